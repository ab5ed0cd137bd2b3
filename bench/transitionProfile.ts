/**
 * 1b. Where a persisted transition's time goes: the life of bench 1 (every event of `LIFE` applied
 * to rectification cases through `engine.applyEvent`, file database, WAL) run under V8's sampling
 * profiler (node:inspector), each sample counted against the innermost frame that belongs to a
 * known layer: the machine, validation, time arithmetic, the hash chain, SQL (better-sqlite3 and
 * drizzle, COMMIT included), the answer's case view, or the rest of caseflow's own code. Intake
 * (the cases opened first) is profiled the same way. The hash chain's share is the cost of
 * chaining and sealing the log (issue: at most 10% of either).
 */
import { Session } from 'node:inspector/promises';
import { LIFE, benchEngine, rectificationRequest, supervisor } from './workload';
import { progress, type BenchContext, type Figure } from './lib';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The layers, tried in this order on each frame from the sampled one outwards. */
const LAYERS: readonly { name: string; matches: (url: string, fn: string) => boolean }[] = [
  { name: 'garbage collection', matches: (_url, fn) => fn === '(garbage collector)' },
  { name: 'validation (zod, payload schemas)', matches: (url) => url.includes('node_modules/zod/') || url.endsWith('/src/engine/validate.ts') || url.endsWith('/machines/payloads.ts') },
  { name: 'time (luxon, calendars, due moments)', matches: (url) => url.includes('node_modules/luxon/') || url.includes('/src/time/') || url.endsWith('/src/deadlines/ladder.ts') },
  { name: 'hash chain (RFC 8785, SHA-256)', matches: (url) => url.endsWith('/db/chain.ts') || url.includes('node_modules/json-canonicalize/') || url === 'node:crypto' },
  { name: 'SQL (better-sqlite3, drizzle, db/, COMMIT)', matches: (url) => url.includes('node_modules/better-sqlite3/') || url.includes('node_modules/drizzle-orm/') || url.includes('/db/sqlite/') },
  { name: 'the machine (XState, machines/)', matches: (url) => url.includes('node_modules/xstate/') || url.includes('/machines/') || url.endsWith('/src/engine/machineRuntime.ts') },
  { name: 'the answer (case view)', matches: (url) => url.endsWith('/src/engine/views.ts') },
  { name: 'the rest of caseflow (decide, plan, writer, policy)', matches: (url) => url.includes('/src/') || url.includes('/db/') },
];
const OTHER = 'other (Node.js, the event loop, the bench)';

/** Milliseconds of samples per layer, each sample given to the innermost frame a layer claims. */
export function sharesOf(profile: Profile): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const layerOfNode = new Map<number, string>();
  const layerOf = (id: number): string => {
    const known = layerOfNode.get(id);
    if (known) return known;
    const frame = byId.get(id)!.callFrame;
    const own = LAYERS.find((l) => l.matches(frame.url, frame.functionName))?.name;
    const up = parent.get(id);
    const layer = own ?? (up === undefined || frame.functionName === '(program)' || frame.functionName === '(idle)' ? OTHER : layerOf(up));
    layerOfNode.set(id, layer);
    return layer;
  };
  const ms = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const layer = layerOf(id);
    ms.set(layer, (ms.get(layer) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return ms;
}

/** Runs `work` under the sampling profiler and returns the milliseconds per layer. */
async function profiled(work: () => Promise<void>): Promise<Map<string, number>> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    await work();
    const { profile } = await session.post('Profiler.stop');
    return sharesOf(profile as unknown as Profile);
  } finally {
    session.disconnect();
  }
}

/** One row per layer: its share of the profiled time, and the microseconds per operation. */
function shareFigures(group: string, what: string, ms: Map<string, number>, operations: number): Figure[] {
  const total = [...ms.values()].reduce((a, b) => a + b, 0);
  return [...LAYERS.map((l) => l.name), OTHER]
    .filter((name) => ms.has(name))
    .map((name, i) => {
      const share = (100 * ms.get(name)!) / total;
      return {
        group,
        name: `share of ${what}: ${name}`,
        unit: '%',
        caseflow: Math.round(share * 10) / 10,
        bare: null,
        bareLabel: '–',
        target: { kind: 'none' } as const,
        display: { caseflow: `${share.toFixed(1)} % (${((1000 * ms.get(name)!) / operations).toFixed(1)} µs)` },
        detail: { operations, profiledMs: Math.round(total) },
        ...(i > 0
          ? {}
          : { note: `where caseflow's time goes: ${operations} operations profiled (${Math.round(total)} ms of samples, the profiler's own cost included); each sample counted against the innermost frame a layer claims` }),
      };
    });
}

/** Profiles intake (cases opened, one transaction each) and then the life of those cases, and reports each layer's share of each. */
export async function benchTransitionProfile(ctx: BenchContext): Promise<Figure[]> {
  const cases = ctx.quick ? 300 : 1500;
  const cf = benchEngine(ctx.tempDir('transition-profile'), 'profile');
  try {
    const ids: string[] = [];
    progress(`transition profile: ${cases} cases opened, then ${LIFE.length} events each, under the sampling profiler`);
    const intake = await profiled(async () => {
      for (let i = 0; i < cases; i++) ids.push((await cf.engine.createCase({ type: 'rectification', input: rectificationRequest(i), actor: supervisor })).id);
    });
    const transitions = await profiled(async () => {
      for (const step of LIFE) {
        for (const id of ids) {
          cf.clock.advance(100);
          await cf.engine.applyEvent(id, { type: step.type, ...step.payload }, step.actor);
        }
      }
    });
    return [...shareFigures('1 transitions', 'a persisted transition', transitions, cases * LIFE.length), ...shareFigures('2 intake', 'an intake', intake, cases)];
  } finally {
    await cf.close();
  }
}
