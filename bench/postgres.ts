/**
 * PG. caseflow on PostgreSQL (issue 9, "Speed"), each row on databases created for it and dropped
 * afterwards, even on failure:
 *
 * PG1. Persisted transitions: `engine.applyEvent` on a PostgreSQL store (one transaction each)
 *   against the same SQL written by hand with node-postgres (PgBareWriter: XState + prepared
 *   statements, one transaction per transition), the same life of events as row 1, in alternating
 *   chunks, every side checked to have written identical rows. A third side, the bare writer with
 *   unnamed statements, and the CPU of this process and of each side's backend per transition say
 *   where the time goes.
 * PG2. API throughput with 1, 2 and 4 `caseflow serve` processes on one database: 32 connections
 *   from this process, round-robin over the servers, 70 % GET /cases/:id and 30 % REPORT_PROGRESS
 *   with the last-read version, for a fixed time; req/s and p99 per N, against N = 1 in the same run.
 * PG3. Deadline steps fired per second by 1, 2 and 4 `caseflow worker` processes on one queue
 *   prefix: K deadlines due at the same moment, first to last step recorded in the case logs, with
 *   exactly-once checked; against N = 1 in the same run. The workers share one case time
 *   (CASEFLOW_CLOCK_ORIGIN/REAL_START) that reaches the due moment a few seconds after they are
 *   started, once all of them are up and the outbox is in Redis.
 *
 * Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test), the server's
 * admin database; when nothing answers there the rows say skipped. BENCH_POSTGRES_ROWS=PG1,PG3 runs
 * only those rows.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { composeCaseflow, openCaseflow } from '../app/compose';
import { openPostgresStore } from '../db/postgres';
import { ManualClock } from '../src/clock';
import type { CaseEngine } from '../src/engine/engine';
import { fmt, median, pairedRatio, percentile, progress, REDIS_URL, seededRandom, sleep, timeAsync, uniquePrefix, type BenchContext, type Figure } from './lib';
import { BenchDatabases, benchPool, cpuBetween, PG_ADMIN_URL, PgBareWriter, pgDigest, pollUntil, postgresProblem, sampleCpu, shownUrl, startCaseflow, type CaseflowProcess, type CpuSample } from './postgresKit';
import { AIRED_AT, liaison, LIFE, rectificationParsed, rectificationRequest, sequentialIds, supervisor } from './workload';

/** The manual clock's start in the transitions row: as in workload.ts, ten minutes after the airing. */
const START = Date.parse(AIRED_AT) + 10 * 60_000;

const cores = (ms: number, wallMs: number) => (wallMs > 0 ? ms / wallMs : 0);
const fixed = (x: number, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '?');

// ================================================================ PG1 transitions

interface SideCost {
  /** Wall ms spent in the side's chunks. */
  wallMs: number;
  /** CPU ms of this process (the side's JavaScript and driver) in them. */
  nodeCpuMs: number;
  /** CPU ms of the side's PostgreSQL backend in them. */
  pgCpuMs: number;
}

interface TransitionsRun {
  caseflow: number;
  bare: number;
  /** The bare writer sending unnamed statements (parsed and planned on every call, as drizzle sends them): for the breakdown. */
  bareUnnamed: number;
  same: boolean;
  cost: { caseflow: SideCost; bare: SideCost; bareUnnamed: SideCost; transitions: number };
}

async function openCasesOn(engine: CaseEngine, cases: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < cases; i++) ids.push((await engine.createCase({ type: 'rectification', input: rectificationRequest(i), actor: supervisor })).id);
  return ids;
}

/**
 * One run on fresh databases (copies of a migrated, empty one), one per side: every side starts
 * from the same cases, then each event of the life is applied to every case in chunks that rotate
 * between the sides (caseflow, bare, and bare with unnamed statements), so that a slow moment of
 * the machine falls on all alike. CPU of this process and of each side's backend is sampled around
 * every chunk (outside the timing).
 */
async function transitionsRunOnce(dbs: BenchDatabases, schema: string, cases: number, chunk: number): Promise<TransitionsRun> {
  const cfDb = await dbs.create('tr_cf', schema);
  const bareDb = await dbs.create('tr_bare', schema);
  const unnamedDb = await dbs.create('tr_unnamed', schema);
  const clock = new ManualClock(START);
  let cf: ReturnType<typeof composeCaseflow> | undefined;
  const pools: pg.Pool[] = [];
  try {
    cf = composeCaseflow({ store: await openPostgresStore(cfDb.url), clock, newCaseId: sequentialIds() });
    const ids = await openCasesOn(cf.engine, cases);
    const cost = { caseflow: { wallMs: 0, nodeCpuMs: 0, pgCpuMs: 0 }, bare: { wallMs: 0, nodeCpuMs: 0, pgCpuMs: 0 }, bareUnnamed: { wallMs: 0, nodeCpuMs: 0, pgCpuMs: 0 }, transitions: cases * LIFE.length };
    type Side = { cost: SideCost; db: string; apply: (id: string, step: (typeof LIFE)[number]) => Promise<void> };
    const bareSide = async (db: { name: string; url: string }, prepared: boolean, sideCost: SideCost): Promise<Side> => {
      const pool = benchPool(db.url, 2);
      pools.push(pool);
      // the bare side's starting rows are written by hand too, so that nothing of caseflow runs on it
      const bare = new PgBareWriter(pool, prepared);
      const nextId = sequentialIds();
      for (let i = 0; i < cases; i++) await bare.createTx(nextId(), rectificationParsed(i), supervisor, START);
      let now = START;
      return {
        cost: sideCost,
        db: db.name,
        apply: (id, step) => {
          now += 1000;
          return bare.applyTx(id, step.type, step.payload, step.actor, now);
        },
      };
    };
    const sides: Side[] = [
      {
        cost: cost.caseflow,
        db: cfDb.name,
        apply: async (id, step) => {
          clock.advance(1000);
          await cf!.engine.applyEvent(id, { type: step.type, ...step.payload }, step.actor);
        },
      },
      await bareSide(bareDb, true, cost.bare),
      await bareSide(unnamedDb, false, cost.bareUnnamed),
    ];
    let turn = 0;
    for (const step of LIFE) {
      for (let from = 0; from < ids.length; from += chunk) {
        const slice = ids.slice(from, from + chunk);
        for (let k = 0; k < sides.length; k++) {
          const side = sides[(turn + k) % sides.length]!;
          const before = sampleCpu([], [side.db]);
          const ms = await timeAsync(async () => {
            for (const id of slice) await side.apply(id, step);
          });
          const spent = cpuBetween(before, sampleCpu([], [side.db]));
          side.cost.wallMs += ms;
          side.cost.nodeCpuMs += spent.groups.bench ?? 0;
          side.cost.pgCpuMs += spent.groups['postgres: ours'] ?? 0;
        }
        turn++;
      }
    }
    const transitions = cost.transitions;
    const digests = await Promise.all([cfDb, bareDb, unnamedDb].map((db) => pgDigest(db.url)));
    const rate = (side: SideCost) => (transitions * 1000) / side.wallMs;
    return { caseflow: rate(cost.caseflow), bare: rate(cost.bare), bareUnnamed: rate(cost.bareUnnamed), same: digests.every((d) => d === digests[0]), cost };
  } finally {
    await cf?.close();
    for (const pool of pools) await pool.end();
    for (const db of [cfDb, bareDb, unnamedDb]) await dbs.drop(db.name).catch(() => undefined);
  }
}

/** Per transition: wall, this process's CPU, the backend's CPU, and the rest (waiting: commit flushes, the scheduler). */
function perTransition(side: SideCost, transitions: number) {
  const wall = side.wallMs / transitions;
  const node = side.nodeCpuMs / transitions;
  const pgCpu = side.pgCpuMs / transitions;
  return { wallMs: wall, nodeCpuMs: node, pgCpuMs: pgCpu, waitMs: Math.max(0, wall - node - pgCpu) };
}

async function benchPgTransitions(ctx: BenchContext, dbs: BenchDatabases): Promise<Figure[]> {
  const cases = ctx.quick ? 150 : 400;
  const runs = ctx.quick ? 3 : 5;
  const chunk = 50;
  const schema = await dbs.createMigrated('schema');
  progress(`PG1 transitions: ${runs} runs × ${(cases * LIFE.length).toLocaleString('en-US')} transitions per side (${cases} cases × ${LIFE.length} events), fresh databases each run`);
  await transitionsRunOnce(dbs, schema.name, 30, 30); // warm-up: JIT, connections
  const cf: number[] = [];
  const bare: number[] = [];
  const unnamed: number[] = [];
  const costs: TransitionsRun['cost'][] = [];
  let allSame = true;
  for (let r = 0; r < runs; r++) {
    const res = await transitionsRunOnce(dbs, schema.name, cases, chunk);
    cf.push(res.caseflow);
    bare.push(res.bare);
    unnamed.push(res.bareUnnamed);
    costs.push(res.cost);
    allSame &&= res.same;
    progress(`PG1 transitions: run ${r + 1}/${runs}: caseflow ${Math.round(res.caseflow)}/s, bare ${Math.round(res.bare)}/s (unnamed statements ${Math.round(res.bareUnnamed)}/s), same rows: ${res.same}`);
  }
  await dbs.drop(schema.name);
  const sum = (pick: (c: TransitionsRun['cost']) => SideCost): SideCost =>
    costs.map(pick).reduce((a, b) => ({ wallMs: a.wallMs + b.wallMs, nodeCpuMs: a.nodeCpuMs + b.nodeCpuMs, pgCpuMs: a.pgCpuMs + b.pgCpuMs }));
  const total = costs.reduce((n, c) => n + c.transitions, 0);
  const cfCost = perTransition(sum((c) => c.caseflow), total);
  const bareCost = perTransition(sum((c) => c.bare), total);
  const unnamedCost = perTransition(sum((c) => c.bareUnnamed), total);
  const costText = (c: ReturnType<typeof perTransition>) =>
    `${fixed(c.wallMs)} ms = node ${fixed(c.nodeCpuMs)} + PostgreSQL backend ${fixed(c.pgCpuMs)} + waiting ${fixed(c.waitMs)}`;
  const note =
    `${allSame ? 'Every side wrote identical case, deadline and event rows (digest)' : '**The bare side did NOT write the same rows as the engine: the comparison is off**'}. ` +
    `Per transition (CPU from /proc, all runs): caseflow ${costText(cfCost)}; bare ${costText(bareCost)}; ` +
    `the bare writer with unnamed statements (parsed and planned on every call, as drizzle sends them and as caseflow did before its hot statements were named; ${fmt(median(unnamed))}/s) ${costText(unnamedCost)}. ` +
    'Both sides run the same eight statements per transition (BEGIN, the case FOR UPDATE, its deadlines, the case update, closings, openings, the log entry, COMMIT) as named statements; caseflow reads every column of the case and all its deadlines (its answer is built from them and the plan, with no second read), the bare side only the columns it needs. ' +
    '"waiting" is wall time neither this process nor the backend spent on CPU: the WAL flush at each commit (synchronous_commit on), round trips, and the other processes sharing the 2 cores.';
  return [
    {
      group: 'PG1',
      name: 'persisted transitions on PostgreSQL (applyEvent, one transaction each)',
      unit: '/s',
      caseflow: median(cf),
      bare: median(bare),
      pairedRatio: pairedRatio(cf, bare),
      bareLabel: 'XState + node-postgres, prepared statements',
      target: { kind: 'ratioAtLeast', min: 0.7 },
      runs: cf,
      bareRuns: bare,
      detail: {
        transitionsPerRun: cases * LIFE.length,
        cases,
        chunk,
        eventsPerCase: LIFE.map((s) => s.type),
        bareWroteIdenticalRows: allSame,
        bareUnnamedRuns: unnamed,
        perTransition: { caseflow: cfCost, bare: bareCost, bareUnnamed: unnamedCost },
      },
      note,
    },
  ];
}

// ================================================================ PG2 API throughput

const API_LANES = 32;
const READ_SHARE = 0.7;

interface ApiTemplate {
  name: string;
  token: string;
  versions: Map<string, number>;
}

/** A database with a liaison's token and `cases` rectifications in progress (plan accepted): copied for every N. */
async function apiTemplate(dbs: BenchDatabases, cases: number): Promise<ApiTemplate> {
  const db = await dbs.create('api_tmpl');
  const cf = await openCaseflow({ databaseUrl: db.url });
  try {
    await cf.accounts.addUser(liaison.id, liaison.role);
    const token = (await cf.accounts.createToken(liaison.id, 'bench')).token;
    const versions = new Map<string, number>();
    const lane = async (from: number) => {
      for (let i = from; i < cases; i += 4) {
        const opened = await cf.engine.createCase({ type: 'rectification', input: { ...rectificationRequest(i), airedAt: new Date().toISOString() }, actor: supervisor });
        await cf.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
        await cf.engine.applyEvent(opened.id, { type: 'SUBMIT_PLAN', plan: 'Stamp within three days', measures: ['a queue ticket system'], completionDueAt: '2099-01-01T00:00:00Z' }, liaison);
        const accepted = await cf.engine.applyEvent(opened.id, { type: 'ACCEPT_PLAN', reason: 'Concrete and owned' }, supervisor);
        versions.set(opened.id, accepted.case.version);
      }
    };
    await Promise.all([0, 1, 2, 3].map(lane));
    return { name: db.name, token, versions };
  } finally {
    await cf.close();
  }
}

interface ApiRun {
  servers: number;
  reqPerS: number;
  p50: number;
  p99: number;
  readP99: number;
  eventP99: number;
  completed: number;
  reads: number;
  accepted: number;
  conflicts: number;
  errors: number;
  errorSamples: string[];
  /** Cores' worth of CPU per group during the measured window. */
  cpu: Record<string, number>;
}

async function apiRun(ctx: BenchContext, dbs: BenchDatabases, template: ApiTemplate, n: number, warmMs: number, windowMs: number, seed: number): Promise<ApiRun> {
  const db = await dbs.create(`api${n}`, template.name);
  const servers: CaseflowProcess[] = [];
  const stopAll = () => Promise.all(servers.map((s) => s.stop()));
  ctx.onCleanUp(stopAll);
  try {
    for (let i = 0; i < n; i++) servers.push(startCaseflow(['--json', 'serve', '--port', '0'], { DATABASE_URL: db.url }));
    const addresses = (await Promise.all(servers.map((s) => s.waitFor(/"listening": "([^"]+)"/, 60_000)))).map((m) => m[1]!);
    const ids = [...template.versions.keys()];
    const known = new Map(template.versions);
    const headers = { authorization: `Bearer ${template.token}`, 'content-type': 'application/json' };
    const t0 = performance.now();
    const startAt = t0 + warmMs;
    const endAt = startAt + windowMs;
    const latencies: number[] = [];
    const readLatencies: number[] = [];
    const eventLatencies: number[] = [];
    const tally = { reads: 0, accepted: 0, conflicts: 0, errors: 0, samples: [] as string[] };
    let cpuStart: CpuSample | undefined;
    let cpuEnd: CpuSample | undefined;
    const pids = servers.map((s) => s.child.pid!).filter(Boolean);
    const sampler = (async () => {
      await sleep(Math.max(0, startAt - performance.now()));
      cpuStart = sampleCpu(pids, [db.name]);
      await sleep(Math.max(0, endAt - performance.now()));
      cpuEnd = sampleCpu(pids, [db.name]);
    })();
    const lane = async (k: number) => {
      const random = seededRandom(seed * 1000 + k);
      const address = addresses[k % n]!;
      let sent = 0;
      while (performance.now() < endAt) {
        const id = ids[Math.floor(random() * ids.length)]!;
        const read = random() < READ_SHARE;
        const began = performance.now();
        let outcome: 'read' | 'accepted' | 'conflict' | 'error';
        let sample = '';
        try {
          if (read) {
            const reply = await fetch(`${address}/cases/${id}`, { headers });
            const body = (await reply.json()) as { version?: number; code?: string };
            if (reply.status === 200 && body.version !== undefined) {
              known.set(id, body.version);
              outcome = 'read';
            } else {
              outcome = 'error';
              sample = `GET ${reply.status} ${body.code ?? ''}`;
            }
          } else {
            const reply = await fetch(`${address}/cases/${id}/events`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ type: 'REPORT_PROGRESS', payload: { note: `lane ${k} note ${sent++}` }, expectedVersion: known.get(id) }),
            });
            const body = (await reply.json()) as { code?: string; case?: { version: number } };
            if (reply.status === 200 && body.case) {
              known.set(id, body.case.version);
              outcome = 'accepted';
            } else if (reply.status === 409 && body.code === 'VERSION_CONFLICT') {
              outcome = 'conflict';
            } else {
              outcome = 'error';
              sample = `POST ${reply.status} ${body.code ?? ''}`;
            }
          }
        } catch (error) {
          outcome = 'error';
          sample = String(error);
        }
        const ended = performance.now();
        if (ended < startAt || ended > endAt) continue;
        const ms = ended - began;
        latencies.push(ms);
        (read ? readLatencies : eventLatencies).push(ms);
        if (outcome === 'read') tally.reads++;
        else if (outcome === 'accepted') tally.accepted++;
        else if (outcome === 'conflict') tally.conflicts++;
        else {
          tally.errors++;
          if (tally.samples.length < 5) tally.samples.push(sample);
        }
      }
    };
    await Promise.all(Array.from({ length: API_LANES }, (_, k) => lane(k)));
    await sampler;
    const spent = cpuBetween(cpuStart!, cpuEnd!);
    const cpu = Object.fromEntries(Object.entries(spent.groups).map(([g, ms]) => [g, cores(ms, spent.wallMs)]));
    return {
      servers: n,
      reqPerS: (latencies.length * 1000) / windowMs,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      readP99: percentile(readLatencies, 99),
      eventP99: percentile(eventLatencies, 99),
      completed: latencies.length,
      reads: tally.reads,
      accepted: tally.accepted,
      conflicts: tally.conflicts,
      errors: tally.errors,
      errorSamples: tally.samples,
      cpu,
    };
  } finally {
    await stopAll();
    await dbs.drop(db.name).catch(() => undefined);
  }
}

const cpuText = (cpu: Record<string, number>) =>
  `client ${fixed(cpu.bench ?? 0)}, caseflow ${fixed(cpu.caseflow ?? 0)}, PostgreSQL backends of this database ${fixed(cpu['postgres: ours'] ?? 0)}, ` +
  `PostgreSQL's other processes ${fixed(cpu['postgres: other'] ?? 0)}, everything else on the machine ${fixed(cpu.other ?? 0)}`;

async function benchPgApi(ctx: BenchContext, dbs: BenchDatabases): Promise<Figure[]> {
  const counts = [1, 2, 4];
  const cases = 100;
  const warmMs = ctx.quick ? 2000 : 3000;
  const windowMs = ctx.quick ? 6000 : 15_000;
  const passes = ctx.quick ? 1 : 2;
  progress(`PG2 API: ${cases} rectifications in progress; ${API_LANES} connections, ${READ_SHARE * 100} % reads / ${100 - READ_SHARE * 100} % REPORT_PROGRESS, ${windowMs / 1000} s per N (after ${warmMs / 1000} s warm-up), N = ${counts.join(', ')}${passes > 1 ? `, ${passes} passes` : ''}`);
  const template = await apiTemplate(dbs, cases);
  const byN = new Map<number, ApiRun[]>(counts.map((n) => [n, []]));
  for (let pass = 0; pass < passes; pass++) {
    for (const n of pass % 2 ? [...counts].reverse() : counts) {
      const run = await apiRun(ctx, dbs, template, n, warmMs, windowMs, pass * 10 + n);
      byN.get(n)!.push(run);
      progress(
        `PG2 API, ${n} process(es): ${Math.round(run.reqPerS)} req/s, p50 ${fixed(run.p50, 1)} ms, p99 ${fixed(run.p99, 1)} ms; ${run.reads} reads, ${run.accepted} events accepted, ${run.conflicts} VERSION_CONFLICT, ${run.errors} other${run.errors ? ` (${run.errorSamples.join('; ')})` : ''}; CPU cores: ${cpuText(run.cpu)}`,
      );
    }
  }
  await dbs.drop(template.name);
  const one = byN.get(1)!;
  const rps = (runs: ApiRun[]) => median(runs.map((r) => r.reqPerS));
  const p99 = (runs: ApiRun[]) => median(runs.map((r) => r.p99));
  const cell = (runs: ApiRun[]) => `${fmt(rps(runs))} req/s (p99 ${fmt(p99(runs))} ms)`;
  return counts.map((n): Figure => {
    const runs = byN.get(n)!;
    const last = runs[runs.length - 1]!;
    const errors = runs.reduce((s, r) => s + r.errors, 0);
    const note =
      `${API_LANES} connections from the bench process, round-robin over ${n} server(s); ${runs.map((r) => `${r.completed} requests (${r.reads} reads, ${r.accepted} events accepted, ${r.conflicts} VERSION_CONFLICT, ${r.errors} other)`).join('; ')}; ` +
      `p99 of reads ${fixed(last.readP99, 1)} ms, of events ${fixed(last.eventP99, 1)} ms. CPU cores used in the window: ${cpuText(last.cpu)}. ` +
      'The machine has 2 cores, shared by the client, the servers and PostgreSQL: more processes cannot add CPU, only spread it.' +
      (errors ? ` **${errors} requests failed otherwise** (${runs.flatMap((r) => r.errorSamples).slice(0, 3).join('; ')}).` : '');
    return {
      group: 'PG2',
      name: `API throughput, ${n} API process${n > 1 ? 'es' : ''} on PostgreSQL (70 % reads / 30 % events)`,
      unit: 'req/s',
      caseflow: rps(runs),
      bare: n === 1 ? null : rps(one),
      ...(n === 1 || runs.length !== one.length ? {} : { pairedRatio: pairedRatio(runs.map((r) => r.reqPerS), one.map((r) => r.reqPerS)) }),
      bareLabel: '1 API process, same run',
      target: { kind: 'none' },
      runs: runs.map((r) => r.reqPerS),
      ...(n === 1 ? {} : { bareRuns: one.map((r) => r.reqPerS) }),
      display: { caseflow: cell(runs), ...(n === 1 ? {} : { bare: cell(one) }) },
      detail: { servers: n, lanes: API_LANES, readShare: READ_SHARE, cases, warmMs, windowMs, runs },
      note,
    };
  });
}

// ================================================================ PG3 deadline firing

interface FireTemplate {
  name: string;
  /** The moment (epoch ms) every deadline's first step (remind) is due. */
  dueAt: number;
}

/**
 * A database with `k` rectifications just aired (the same airing), each with its running
 * unitNotificationDue deadline, whose remind step falls due at the same moment for all of them.
 */
async function fireTemplate(dbs: BenchDatabases, k: number): Promise<FireTemplate> {
  const db = await dbs.create('fire_tmpl');
  const cf = composeCaseflow({ store: await openPostgresStore(db.url), clock: new ManualClock(START) });
  try {
    const lane = async (from: number) => {
      for (let i = from; i < k; i += 8) await cf.engine.createCase({ type: 'rectification', input: rectificationRequest(i), actor: supervisor });
    };
    await Promise.all(Array.from({ length: 8 }, (_, i) => lane(i)));
  } finally {
    await cf.close();
  }
  const pool = benchPool(db.url, 1);
  try {
    const { rows } = await pool.query<{ n: number; lo: number; hi: number }>(
      'SELECT count(*)::int AS n, min(next_fire_at) AS lo, max(next_fire_at) AS hi FROM deadlines WHERE running = true AND next_fire_at IS NOT NULL',
    );
    const r = rows[0]!;
    if (r.n !== k || r.lo !== r.hi) throw new Error(`the template has ${r.n} running deadlines due from ${r.lo} to ${r.hi}; expected ${k} due at one moment`);
    return { name: db.name, dueAt: r.lo };
  } finally {
    await pool.end();
  }
}

interface FireRun {
  workers: number;
  stepsPerS: number;
  spanMs: number;
  steps: number;
  /** First step recorded − the moment it was due (ms). */
  firstLateMs: number;
  /** Last step recorded − the moment it was due (ms). */
  lastLateMs: number;
  lateP50: number;
  lateP99: number;
  duplicatedSteps: number;
  deadlinesWithoutStep: number;
  exactlyOnce: boolean;
  /** Steps each worker process logged. */
  perWorker: number[];
  /** From spawning the workers to all of them saying they started. */
  startupMs: number;
  /** How long before the due moment the workers were up and the outbox was in Redis (negative: after). */
  readyMarginMs: number;
  cpu: Record<string, number>;
}

/** A run whose workers (and outbox) were ready at least this long before the due moment counts; else it is run again with a longer lead. */
const READY_MARGIN_MS = 500;

/** A run abandoned before the due moment because the workers or the outbox were not ready in time. */
interface NotReady {
  notReady: true;
  startupMs: number;
  readyMarginMs: number;
}

async function fireRun(ctx: BenchContext, dbs: BenchDatabases, template: FireTemplate, k: number, n: number, leadMs: number, mayGiveUp: boolean): Promise<FireRun | NotReady> {
  const db = await dbs.create(`fire${n}`, template.name);
  const prefix = ctx.track(uniquePrefix());
  const workers: CaseflowProcess[] = [];
  const stopAll = () => Promise.all(workers.map((w) => w.stop()));
  ctx.onCleanUp(stopAll);
  const pool = benchPool(db.url, 1);
  try {
    // every process reads the due moment at the same real moment, `leadMs` after they are started
    const spawnedAt = Date.now();
    const realStart = spawnedAt + leadMs;
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL,
      CASEFLOW_QUEUE_PREFIX: prefix,
      CASEFLOW_DISPATCH_INTERVAL_MS: '200',
      CASEFLOW_CLOCK_ORIGIN: new Date(template.dueAt).toISOString(),
      CASEFLOW_CLOCK_RATE: '1',
      CASEFLOW_CLOCK_REAL_START: String(realStart),
    };
    for (let i = 0; i < n; i++) workers.push(startCaseflow(['worker'], env, ['deadline step fired']));
    await Promise.all(workers.map((w) => w.waitFor(/workers started/, 60_000)));
    const startupMs = Date.now() - spawnedAt;
    // the outbox must be in Redis before the due moment too
    const undispatched = async () =>
      (await pool.query<{ c: number }>('SELECT count(*)::int AS c FROM deadlines WHERE running = true AND next_fire_at IS NOT NULL AND dispatched_rev IS DISTINCT FROM schedule_rev')).rows[0]!.c;
    await pollUntil(async () => (await undispatched()) === 0 || Date.now() > realStart, 60_000, 50);
    const readyMarginMs = realStart - Date.now();
    if (readyMarginMs < READY_MARGIN_MS && mayGiveUp) return { notReady: true, startupMs, readyMarginMs };
    const pids = workers.map((w) => w.child.pid!).filter(Boolean);
    await sleep(Math.max(0, realStart - Date.now()));
    const cpuStart = sampleCpu(pids, [db.name]);
    const count = async () => (await pool.query<{ c: number }>("SELECT count(*)::int AS c FROM case_events WHERE kind = 'deadlineStep'")).rows[0]!.c;
    const done = await pollUntil(async () => (await count()) >= k, 180_000, 100);
    const cpuEnd = sampleCpu(pids, [db.name]);
    if (!done) throw new Error(`only ${await count()} of ${k} steps were recorded within 3 minutes`);
    await sleep(1000); // strays: a step recorded twice would show now
    const { rows } = await pool.query<{ deadline_id: string; step: string; at: number; scheduled_for: string }>(
      "SELECT payload->>'deadlineId' AS deadline_id, payload->>'step' AS step, at, payload->>'scheduledFor' AS scheduled_for FROM case_events WHERE kind = 'deadlineStep'",
    );
    const deadlines = (await pool.query<{ id: string }>("SELECT id FROM deadlines WHERE kind = 'unitNotificationDue'")).rows.map((r) => r.id);
    const perPair = new Map<string, number>();
    for (const r of rows) perPair.set(`${r.deadline_id}|${r.step}`, (perPair.get(`${r.deadline_id}|${r.step}`) ?? 0) + 1);
    const duplicatedSteps = [...perPair.values()].filter((c) => c > 1).length;
    const stepped = new Set(rows.map((r) => r.deadline_id));
    const deadlinesWithoutStep = deadlines.filter((id) => !stepped.has(id)).length;
    const ats = rows.map((r) => r.at).sort((a, b) => a - b);
    const spanMs = ats[ats.length - 1]! - ats[0]!;
    const lateness = rows.map((r) => r.at - Date.parse(r.scheduled_for));
    const spent = cpuBetween(cpuStart, cpuEnd);
    return {
      workers: n,
      stepsPerS: spanMs > 0 ? ((rows.length - 1) * 1000) / spanMs : Infinity,
      spanMs,
      steps: rows.length,
      firstLateMs: ats[0]! - template.dueAt,
      lastLateMs: ats[ats.length - 1]! - template.dueAt,
      lateP50: percentile(lateness, 50),
      lateP99: percentile(lateness, 99),
      duplicatedSteps,
      deadlinesWithoutStep,
      exactlyOnce: duplicatedSteps === 0 && deadlinesWithoutStep === 0 && rows.length === k && deadlines.length === k && rows.every((r) => r.step === 'remind'),
      perWorker: workers.map((w) => w.count('deadline step fired')),
      startupMs,
      readyMarginMs,
      cpu: Object.fromEntries(Object.entries(spent.groups).map(([g, ms]) => [g, cores(ms, spent.wallMs)])),
    };
  } finally {
    await pool.end();
    await stopAll();
    await dbs.drop(db.name).catch(() => undefined);
  }
}

async function fireRunReady(ctx: BenchContext, dbs: BenchDatabases, template: FireTemplate, k: number, n: number): Promise<FireRun> {
  let leadMs = 3000 + 1000 * n;
  for (let attempt = 1; ; attempt++) {
    const run = await fireRun(ctx, dbs, template, k, n, leadMs, attempt < 3);
    if (!('notReady' in run)) return run;
    progress(`PG3 firing, ${n} worker(s): ready only ${run.readyMarginMs} ms before the due moment (start-up ${run.startupMs} ms); again with a longer lead`);
    leadMs = 2 * leadMs;
  }
}

async function benchPgFiring(ctx: BenchContext, dbs: BenchDatabases): Promise<Figure[]> {
  const counts = [1, 2, 4];
  const k = ctx.quick ? 1000 : 5000;
  const passes = ctx.quick ? 1 : 2;
  progress(`PG3 firing: ${k.toLocaleString('en-US')} deadlines due at one moment, fired by N = ${counts.join(', ')} \`caseflow worker\` processes on one queue prefix${passes > 1 ? `, ${passes} passes` : ''}`);
  const template = await fireTemplate(dbs, k);
  const byN = new Map<number, FireRun[]>(counts.map((n) => [n, []]));
  for (let pass = 0; pass < passes; pass++) {
    for (const n of pass % 2 ? [...counts].reverse() : counts) {
      const run = await fireRunReady(ctx, dbs, template, k, n);
      byN.get(n)!.push(run);
      progress(
        `PG3 firing, ${n} worker(s): ${Math.round(run.stepsPerS)} steps/s (${run.steps} steps in ${run.spanMs} ms; per worker ${run.perWorker.join('/')}); first step ${run.firstLateMs} ms after due, last ${run.lastLateMs} ms; start-up ${run.startupMs} ms, ready ${run.readyMarginMs} ms before due; exactly once: ${run.exactlyOnce}; CPU cores: ${cpuText(run.cpu).replace('client', 'bench')}`,
      );
    }
  }
  await dbs.drop(template.name);
  const one = byN.get(1)!;
  const sps = (runs: FireRun[]) => median(runs.map((r) => r.stepsPerS));
  return counts.map((n): Figure => {
    const runs = byN.get(n)!;
    const last = runs[runs.length - 1]!;
    const once = runs.every((r) => r.exactlyOnce);
    const note =
      `${once ? `Exactly once held: each of the ${k.toLocaleString('en-US')} deadlines got its remind step once, none twice` : `**Exactly once VIOLATED**: ${runs.map((r) => `${r.steps} steps, ${r.duplicatedSteps} recorded twice, ${r.deadlinesWithoutStep} deadlines without one`).join('; ')}`}. ` +
      `${runs.map((r) => `${r.steps} steps from first to last in ${(r.spanMs / 1000).toFixed(1)} s, per worker ${r.perWorker.join('/')}; the first ${r.firstLateMs} ms, the last ${(r.lastLateMs / 1000).toFixed(1)} s after the due moment`).join('; ')}. ` +
      `CPU cores in the window: ${cpuText(last.cpu).replace('client', 'bench')}; 2 cores in all.` +
      (runs.some((r) => r.readyMarginMs < READY_MARGIN_MS) ? ` **A worker (or the outbox) was ready less than ${READY_MARGIN_MS} ms before the due moment**: the first steps started before every worker took part.` : '');
    return {
      group: 'PG3',
      name: `deadline steps fired, ${n} worker process${n > 1 ? 'es' : ''} on PostgreSQL (${k.toLocaleString('en-US')} due at once)`,
      unit: 'steps/s',
      caseflow: sps(runs),
      bare: n === 1 ? null : sps(one),
      ...(n === 1 || runs.length !== one.length ? {} : { pairedRatio: pairedRatio(runs.map((r) => r.stepsPerS), one.map((r) => r.stepsPerS)) }),
      bareLabel: '1 worker, same run',
      target: { kind: 'none' },
      runs: runs.map((r) => r.stepsPerS),
      ...(n === 1 ? {} : { bareRuns: one.map((r) => r.stepsPerS) }),
      detail: { workers: n, deadlines: k, runs },
      note,
    };
  });
}

// ================================================================ the rows

const ROWS: { group: string; name: string; run: (ctx: BenchContext, dbs: BenchDatabases) => Promise<Figure[]> }[] = [
  { group: 'PG1', name: 'persisted transitions on PostgreSQL', run: benchPgTransitions },
  { group: 'PG2', name: 'API throughput with 1, 2 and 4 API processes on PostgreSQL', run: benchPgApi },
  { group: 'PG3', name: 'deadline steps fired with 1, 2 and 4 workers on PostgreSQL', run: benchPgFiring },
];

export async function benchPostgres(ctx: BenchContext): Promise<Figure[]> {
  const problem = await postgresProblem(PG_ADMIN_URL);
  if (problem) {
    progress(`PG: skipped: no PostgreSQL at ${shownUrl(PG_ADMIN_URL)} (${problem})`);
    return ROWS.map((row) => ({
      group: row.group,
      name: row.name,
      unit: '',
      caseflow: NaN,
      bare: null,
      bareLabel: '',
      target: { kind: 'none' },
      display: { caseflow: `skipped: no PostgreSQL at ${shownUrl(PG_ADMIN_URL)}` },
      note: `skipped: ${problem}. Set BENCH_DATABASE_URL to a server's admin database (trust or password in the URL) to run it.`,
    }));
  }
  const facts = new BenchDatabases(PG_ADMIN_URL);
  let server: Record<string, string>;
  try {
    const settings = ['server_version', 'synchronous_commit', 'fsync', 'shared_buffers', 'max_connections'];
    const { rows } = await facts.query<{ name: string; setting: string }>(`SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name`, [settings]);
    server = Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  } finally {
    await facts.dropAll();
  }
  const serverText = `PostgreSQL ${server.server_version} (synchronous_commit ${server.synchronous_commit}, fsync ${server.fsync}, shared_buffers ${server.shared_buffers}) on the same machine`;
  progress(`PG: ${serverText}, at ${shownUrl(PG_ADMIN_URL)}`);
  const figures: Figure[] = [];
  const picked = process.env.BENCH_POSTGRES_ROWS?.split(',').map((r) => r.trim().toUpperCase());
  for (const row of ROWS) {
    if (picked && !picked.includes(row.group)) continue;
    const dbs = new BenchDatabases(PG_ADMIN_URL);
    ctx.onCleanUp(() => dbs.dropAll());
    try {
      const rows = await row.run(ctx, dbs);
      // the server's facts with every row; in the notes once per group
      for (const [i, f] of rows.entries()) figures.push({ ...f, detail: { ...f.detail, postgres: server }, ...(i === 0 ? { note: `${serverText}. ${f.note ?? ''}`.trim() } : {}) });
    } catch (error) {
      const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
      progress(`${row.group} FAILED: ${text}`);
      ctx.reportFailure(`postgres ${row.group}`, text);
    } finally {
      await dbs.dropAll();
    }
  }
  return figures;
}
