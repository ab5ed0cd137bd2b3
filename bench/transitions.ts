/**
 * 1. Persisted transitions per second: `engine.applyEvent` on a file database (WAL), one
 * transition per transaction, against the same work by hand (XState + prepared better-sqlite3
 * statements: snapshot and chain head updated guarded by version and head, the log entry sealed
 * into the case's hash chain, deadline rows closed and opened, the on-time rollup added to). A
 * digest of every row written proves both sides did the same work.
 */
import fs from 'node:fs';
import type { CaseEngine } from '../src/engine/engine';
import { BareWriter, LIFE, bareDatabase, benchEngine, digest, rectificationParsed, rectificationRequest, sequentialIds, supervisor } from './workload';
import { median, pairedRatio, progress, timeAsync, timeSync, type BenchContext, type Figure } from './lib';

/**
 * How far the clock moves per event, on both sides: small enough that the longest run (2,500 cases ×
 * 8 events) ends before the first ladder step of any case falls due (the plan's reminder, 37 minutes
 * in), so the engine records no caught-up steps, cards or supervision actions the bare side does not.
 */
const TICK_MS = 100;

/** User and system CPU time of a `process.cpuUsage` difference, in ms. */
const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

/** Opens `cases` rectification cases (not timed). */
async function openCases(engine: CaseEngine, cases: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < cases; i++) ids.push((await engine.createCase({ type: 'rectification', input: rectificationRequest(i), actor: supervisor })).id);
  return ids;
}

/**
 * One run on fresh files: both sides start from the same cases; then each event of the case's life
 * is applied to every case, in chunks that alternate between caseflow and bare, so that a slow
 * moment of the machine (a WAL checkpoint, another process) falls on both sides alike.
 */
async function runOnce(dir: string, cases: number, chunk: number): Promise<{ caseflow: number; bare: number; cpuRatio: number; same: boolean }> {
  const transitions = cases * LIFE.length;
  const cf = benchEngine(dir, `caseflow-${Date.now()}`);
  const bf = bareDatabase(dir, `bare-${Date.now()}`);
  try {
    const ids = await openCases(cf.engine, cases);
    // The bare side's starting rows are written by hand too, so that nothing of caseflow runs on it.
    const bare = new BareWriter(bf.client);
    const nextId = sequentialIds();
    let now = bf.start;
    for (let i = 0; i < cases; i++) bare.createTx(nextId(), rectificationParsed(i), supervisor, now);
    let cfMs = 0;
    let bareMs = 0;
    // CPU time of this process per side: steadier than wall time on a machine shared with others
    let cfCpu = 0;
    let bareCpu = 0;
    let turn = 0;
    for (const step of LIFE) {
      for (let from = 0; from < ids.length; from += chunk) {
        const slice = ids.slice(from, from + chunk);
        const runCaseflow = async () => {
          const cpu0 = process.cpuUsage();
          cfMs += await timeAsync(async () => {
            for (const id of slice) {
              cf.clock.advance(TICK_MS);
              await cf.engine.applyEvent(id, { type: step.type, ...step.payload }, step.actor);
            }
          });
          cfCpu += cpuMs(process.cpuUsage(cpu0));
        };
        const runBare = () => {
          const cpu0 = process.cpuUsage();
          bareMs += timeSync(() => {
            for (const id of slice) {
              now += TICK_MS;
              bare.applyTx(id, step.type, step.payload, step.actor, now);
            }
          });
          bareCpu += cpuMs(process.cpuUsage(cpu0));
        };
        if (turn++ % 2) {
          runBare();
          await runCaseflow();
        } else {
          await runCaseflow();
          runBare();
        }
      }
    }
    return {
      caseflow: (transitions * 1000) / cfMs,
      bare: (transitions * 1000) / bareMs,
      cpuRatio: bareCpu / cfCpu,
      same: digest(cf.client) === digest(bf.client),
    };
  } finally {
    await cf.close();
    bf.close();
  }
}

export async function benchTransitions(ctx: BenchContext): Promise<Figure[]> {
  const cases = ctx.quick ? 400 : 2500;
  const runs = ctx.quick ? 3 : 5;
  const dir = ctx.tempDir('transitions');
  progress(`1 transitions: ${runs} runs × ${(cases * LIFE.length).toLocaleString('en-US')} transitions per side (${cases} cases × ${LIFE.length} events)`);
  await runOnce(dir, 50, 50); // warm-up: JIT, statement caches
  const cf: number[] = [];
  const bare: number[] = [];
  const cpuRatios: number[] = [];
  let allSame = true;
  for (let r = 0; r < runs; r++) {
    const res = await runOnce(dir, cases, 100);
    cf.push(res.caseflow);
    bare.push(res.bare);
    cpuRatios.push(res.cpuRatio);
    allSame &&= res.same;
    progress(`1 transitions: run ${r + 1}/${runs}: caseflow ${Math.round(res.caseflow)}/s, bare ${Math.round(res.bare)}/s (${(res.caseflow / res.bare).toFixed(2)}×; by CPU time ${res.cpuRatio.toFixed(2)}×), same rows: ${res.same}`);
    for (const f of fs.readdirSync(dir)) fs.rmSync(`${dir}/${f}`, { force: true });
  }
  return [
    {
      group: '1',
      name: 'persisted transitions (applyEvent, file DB, WAL)',
      unit: '/s',
      caseflow: median(cf),
      bare: median(bare),
      pairedRatio: pairedRatio(cf, bare),
      bareLabel: 'XState + prepared better-sqlite3, equal work',
      target: { kind: 'ratioAtLeast', min: 0.85 },
      runs: cf,
      bareRuns: bare,
      detail: { cpuTimeRatios: cpuRatios, cpuTimeRatioMedian: median(cpuRatios), transitionsPerRun: cases * LIFE.length, cases, eventsPerCase: LIFE.map((s) => s.type), bareWroteIdenticalRows: allSame },
      ...(allSame ? {} : { note: 'the bare loop did NOT write the same rows as the engine: the comparison is off' }),
    },
  ];
}
