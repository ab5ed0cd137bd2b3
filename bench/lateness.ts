/**
 * 4. Escalation lateness: deadlines falling due within a few seconds while the workers run
 * (`composeWorker`), measured as (step recorded in the case log − step's scheduled moment), with
 * Redis at its default `hz`. Exactly-once is asserted: every deadline gets each due step once,
 * even with duplicate wake-up jobs injected. The bare baseline is plain BullMQ: delayed jobs for
 * the same moments, a Worker recording (processing start − due).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { composeCaseflow, composeWorker } from '../app/compose';
import { systemClock } from '../src/clock';
import { silentLogger } from '../src/logger';
import type { DeadlineJobData } from '../workers/dispatcher';
import { workerSettingsFromEnv, type WorkerSettings } from '../workers/runner';
import { generatePendingDeadlines } from './dataset';
import { addJobs, deadlineJob } from './scheduling';
import { liaison, sqliteClient, supervisor } from './workload';
import { cpuMark, max, median, otherCpu, percentile, progress, REDIS_URL, removeKeys, sleep, ticker, uniquePrefix, type BenchContext, type Figure } from './lib';

interface LatenessRun {
  /** Cores' worth of CPU used by other processes (Redis included) during the firing window. */
  otherCpu?: number | null;
  all: number[];
  byStep: Record<string, number[]>;
  checks?: ExactlyOnce;
  setupMs?: number;
}

interface ExactlyOnce {
  deadlines: number;
  stepsRecorded: number;
  /** (deadline, step) pairs recorded more than once. */
  duplicatedSteps: number;
  /** Deadlines without exactly one remind and one overdue. */
  deadlinesWrong: number;
  /** DEADLINE_MISSED machine events (one per deadline expected). */
  missedEvents: number;
  duplicateJobsInjected: number;
  ok: boolean;
}

const STEPS_DUE = ['remind', 'overdue'];
/** Case id prefix of the backlog of other pending deadlines. */
const BACKLOG = 'RC-BACKLOG-';

/** caseflow: real cases, real deadline rows, the workers composed as in production. */
async function caseflowRun(ctx: BenchContext, n: number, spreadMs: number, backlog = 0): Promise<LatenessRun> {
  const dir = ctx.tempDir('lateness');
  const cf = composeCaseflow({ dbFile: path.join(dir, 'caseflow.sqlite'), clock: systemClock });
  const { engine } = cf;
  // the benchmark's own checks read the file on the store's connection, outside caseflow's work
  const client = sqliteClient(cf.store);
  const prefix = ctx.track(uniquePrefix());
  if (backlog) {
    // Other deadlines pending a month ahead, already in Redis: what a live office's worker carries.
    const now = Date.now();
    const fireAt = (i: number) => now + 30 * 86_400_000 + i * 1000;
    const ids = generatePendingDeadlines(client, backlog, { now, fireAt, dispatched: true, idPrefix: BACKLOG }, ticker('4 lateness: backlog rows', backlog, 5000));
    const fill = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('deadlines', { connection: fill, prefix });
    await addJobs(queue, backlog, (i) => deadlineJob(ids[i]!, 1, fireAt(i), now), '4 lateness: backlog jobs');
    await queue.close();
    fill.disconnect();
  }
  const workers = await composeWorker(cf, workerSettingsFromEnv({ REDIS_URL }, { prefix, ...settingsOverride() }), { logger: silentLogger });
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const dupQueue = new Queue<DeadlineJobData>('deadlines', { connection: redis, prefix });
  try {
    // Plan due moments: a one-minute limit (aired = due − 60 s), so the standard ladder reminds at
    // 75 % of it (due − 15 s) and marks overdue at due. The reminds fall due after the set-up
    // (≈ 2.5 ms per case here), spread over `spreadMs`; the overdue steps 15 s later, as spread.
    const t0 = Date.now();
    const lead = 3000 + Math.ceil(n * 2.5);
    const dueOf = (i: number) => t0 + lead + 15_000 + Math.floor((i * spreadMs) / n);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const airedAt = new Date(dueOf(i) - 60_000).toISOString();
      const opened = await engine.createCase({
        type: 'rectification',
        input: { unit: `Unit ${String(i % 200).padStart(3, '0')}`, report: 'Seeing: a bench criticism', airedAt, planDueMinutes: 1 },
        actor: supervisor,
      });
      await engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
      ids.push(opened.id);
    }
    const setupMs = Date.now() - t0;
    const firstFire = (client.prepare(`SELECT min(next_fire_at) AS t FROM deadlines WHERE running = 1 AND case_id NOT LIKE '${BACKLOG}%'`).get() as { t: number }).t;
    if (firstFire < Date.now() + 500) progress(`4 lateness: set-up took ${setupMs} ms, past the first step's moment: early steps will be late`);
    // Wait until the outbox is empty, then inject duplicate wake-ups for every 10th deadline.
    const undispatched = client.prepare('SELECT count(*) AS c FROM deadlines WHERE running = 1 AND next_fire_at IS NOT NULL AND dispatched_rev IS NOT schedule_rev');
    while ((undispatched.get() as { c: number }).c > 0) await sleep(20);
    const rows = client
      .prepare(`SELECT id, schedule_rev AS rev, next_fire_at AS fireAt FROM deadlines WHERE running = 1 AND case_id NOT LIKE '${BACKLOG}%'`)
      .all() as { id: string; rev: number; fireAt: number }[];
    const dups = rows.filter((_, i) => i % 10 === 0);
    const now = Date.now();
    await dupQueue.addBulk(
      dups.map((r) => {
        const { name, data, opts } = deadlineJob(r.id, r.rev, r.fireAt, now);
        return { name, data, opts: { jobId: `dup.${opts.jobId}`, delay: Math.max(0, r.fireAt - now - 250), removeOnComplete: true, removeOnFail: true } };
      }),
    );
    // Wait for every due step (remind and overdue of each deadline), then a little longer for strays.
    const recorded = client.prepare("SELECT count(*) AS c FROM case_events WHERE kind = 'deadlineStep'");
    const mark = cpuMark();
    const until = dueOf(n - 1) + 20_000;
    while ((recorded.get() as { c: number }).c < n * STEPS_DUE.length && Date.now() < until) await sleep(50);
    const others = otherCpu(mark);
    await sleep(1000);

    const events = client
      .prepare("SELECT at, json_extract(payload, '$.scheduledFor') AS scheduledFor, json_extract(payload, '$.step') AS step, json_extract(payload, '$.deadlineId') AS deadlineId FROM case_events WHERE kind = 'deadlineStep'")
      .all() as { at: number; scheduledFor: string; step: string; deadlineId: string }[];
    const all: number[] = [];
    const byStep: Record<string, number[]> = {};
    const perPair = new Map<string, number>();
    const perDeadline = new Map<string, string[]>();
    for (const e of events) {
      const late = e.at - Date.parse(e.scheduledFor);
      all.push(late);
      (byStep[e.step] ??= []).push(late);
      const key = `${e.deadlineId}|${e.step}`;
      perPair.set(key, (perPair.get(key) ?? 0) + 1);
      perDeadline.set(e.deadlineId, [...(perDeadline.get(e.deadlineId) ?? []), e.step]);
    }
    // BENCH_DUMP=file writes [scheduled − start, lateness, step] of every step, to see lateness over time.
    if (process.env.BENCH_DUMP) fs.writeFileSync(process.env.BENCH_DUMP, JSON.stringify(events.map((e) => [Date.parse(e.scheduledFor) - t0, e.at - Date.parse(e.scheduledFor), e.step])));
    const missedEvents = (client.prepare("SELECT count(*) AS c FROM case_events WHERE type = 'DEADLINE_MISSED'").get() as { c: number }).c;
    const duplicatedSteps = [...perPair.values()].filter((c) => c > 1).length;
    const deadlinesWrong = rows.filter((r) => (perDeadline.get(r.id) ?? []).sort().join(',') !== [...STEPS_DUE].sort().join(',')).length;
    const checks: ExactlyOnce = {
      deadlines: rows.length,
      stepsRecorded: events.length,
      duplicatedSteps,
      deadlinesWrong,
      missedEvents,
      duplicateJobsInjected: dups.length,
      ok: rows.length === n && ids.length === n && duplicatedSteps === 0 && deadlinesWrong === 0 && missedEvents === n,
    };
    return { all, byStep, checks, setupMs, otherCpu: others };
  } finally {
    await dupQueue.close();
    redis.disconnect();
    await workers.close();
    await cf.close();
    await removeKeys(ctx.redis, prefix);
  }
}

/** Bare BullMQ: delayed jobs due at the same kind of moments, a Worker that records when it starts each. */
async function bareRun(ctx: BenchContext, n: number, spreadMs: number): Promise<LatenessRun> {
  const prefix = ctx.track(uniquePrefix());
  const queueRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue<{ dueAt: number }>('bare', { connection: queueRedis, prefix });
  const all: number[] = [];
  const worker = new Worker<{ dueAt: number }>(
    'bare',
    (job) => {
      all.push(Date.now() - job.data.dueAt);
      return Promise.resolve();
    },
    { connection: { url: REDIS_URL, maxRetriesPerRequest: null }, prefix, concurrency: 50 },
  );
  try {
    await worker.waitUntilReady();
    const t0 = Date.now();
    const lead = 2000;
    const jobs = Array.from({ length: n }, (_, i) => {
      const dueAt = t0 + lead + Math.floor((i * spreadMs) / n);
      return { name: 'due', data: { dueAt }, opts: { delay: dueAt - Date.now(), removeOnComplete: true, removeOnFail: true } };
    });
    for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500));
    const until = t0 + lead + spreadMs + 20_000;
    while (all.length < n && Date.now() < until) await sleep(50);
    return { all, byStep: { job: all } };
  } finally {
    await worker.close();
    await queue.close();
    queueRedis.disconnect();
    await removeKeys(ctx.redis, prefix);
  }
}

const stats = (xs: number[]) => ({ p50: percentile(xs, 50), p99: percentile(xs, 99), max: max(xs), count: xs.length });

export async function benchLateness(ctx: BenchContext): Promise<Figure[]> {
  const n = 2000;
  const spreadMs = 3000;
  const runs = ctx.quick ? 1 : 3;
  const hz = (await ctx.redis.config('GET', 'hz'))[1] ?? '?';
  progress(`4 lateness: ${runs} run(s) × ${n} deadlines due within ${spreadMs / 1000} s, Redis hz ${hz}`);
  const cf: ReturnType<typeof stats>[] = [];
  const bare: ReturnType<typeof stats>[] = [];
  const steps: Record<string, ReturnType<typeof stats>[]> = {};
  const checks: ExactlyOnce[] = [];
  const others: (number | null)[] = [];
  for (let r = 0; r < runs; r++) {
    const b = await bareRun(ctx, n, spreadMs);
    bare.push(stats(b.all));
    const c = await caseflowRun(ctx, n, spreadMs);
    cf.push(stats(c.all));
    for (const [step, xs] of Object.entries(c.byStep)) (steps[step] ??= []).push(stats(xs));
    checks.push(c.checks!);
    others.push(c.otherCpu ?? null);
    progress(
      `4 lateness: run ${r + 1}/${runs}: caseflow p50 ${cf[r]!.p50.toFixed(0)} / p99 ${cf[r]!.p99.toFixed(0)} / max ${cf[r]!.max} ms ` +
        `(${c.checks!.stepsRecorded} steps, exactly once: ${c.checks!.ok}; other processes used ${c.otherCpu?.toFixed(2) ?? '?'} cores); bare BullMQ p50 ${bare[r]!.p50.toFixed(0)} / p99 ${bare[r]!.p99.toFixed(0)} / max ${bare[r]!.max} ms`,
    );
  }
  const exactlyOnce = checks.every((c) => c.ok);
  if (!exactlyOnce) progress(`4 lateness: EXACTLY-ONCE VIOLATED: ${JSON.stringify(checks)}`);
  const pick = (xs: ReturnType<typeof stats>[], k: 'p50' | 'p99' | 'max') => median(xs.map((x) => x[k]));
  const stepText = Object.entries(steps)
    .map(([step, xs]) => `${step}: p50 ${pick(xs, 'p50').toFixed(0)} ms, p99 ${pick(xs, 'p99').toFixed(0)} ms, max ${pick(xs, 'max').toFixed(0)} ms`)
    .join('; ');
  const detail = { deadlines: n, spreadMs, redisHz: hz, runs, caseflow: cf, bare, byStep: steps, exactlyOnce: checks, otherCpuCores: others };
  const base = { group: '4', unit: 'ms', bareLabel: 'BullMQ delayed job → Worker start', detail };
  const onceText = exactlyOnce
    ? `exactly once held: ${checks[0]!.deadlines} deadlines × 2 due steps, ${checks[0]!.duplicateJobsInjected} duplicate wake-ups injected, no step recorded twice`
    : `**exactly once VIOLATED** (${JSON.stringify(checks)})`;
  const figures: Figure[] = [];
  if (!ctx.quick) {
    const backlog = 100_000;
    progress(`4 lateness: again with ${backlog.toLocaleString('en-US')} other deadlines pending (a month ahead) in the database and Redis`);
    const c = await caseflowRun(ctx, n, spreadMs, backlog);
    const s = stats(c.all);
    progress(`4 lateness with backlog: p50 ${s.p50.toFixed(0)} / p99 ${s.p99.toFixed(0)} / max ${s.max} ms, exactly once: ${c.checks!.ok}`);
    figures.push({
      group: '4',
      name: `escalation lateness p99 with ${backlog.toLocaleString('en-US')} other deadlines pending`,
      unit: 'ms',
      caseflow: s.p99,
      bare: pick(bare, 'p99'),
      bareLabel: 'BullMQ delayed job → Worker start',
      target: { kind: 'atMost', max: 20 },
      display: { caseflow: `${s.p99.toFixed(0)} ms (p50 ${s.p50.toFixed(0)}, max ${s.max})` },
      detail: { backlog, caseflow: s, byStep: Object.fromEntries(Object.entries(c.byStep).map(([k, xs]) => [k, stats(xs)])), exactlyOnce: c.checks },
      note: `one run; exactly once: ${c.checks!.ok}; other processes used ${c.otherCpu?.toFixed(2) ?? '?'} cores. Every fired step nudges the dispatcher, so its outbox poll (see 6, idle poll) runs with the backlog in the database.`,
    });
  }
  return [
    { ...base, name: `escalation lateness p50 (${n} due in ${spreadMs / 1000} s)`, caseflow: pick(cf, 'p50'), bare: pick(bare, 'p50'), target: { kind: 'none' } },
    {
      ...base,
      name: 'escalation lateness p99',
      caseflow: pick(cf, 'p99'),
      bare: pick(bare, 'p99'),
      target: { kind: 'atMost', max: 20 },
      note: `${onceText}. Other processes (Redis included) used ${others.map((o) => o?.toFixed(2) ?? '?').join(' / ')} cores of ${os.cpus().length} during the firing window(s). By step (remind at 75 % of a one-minute limit; overdue at the due moment, scheduled after remind fired): ${stepText}.`,
    },
    { ...base, name: 'escalation lateness max', caseflow: pick(cf, 'max'), bare: pick(bare, 'max'), target: { kind: 'none' } },
    {
      group: '4',
      name: 'exactly-once firing (steps recorded twice)',
      unit: '',
      caseflow: checks.reduce((s, c) => s + c.duplicatedSteps + c.deadlinesWrong, 0),
      bare: null,
      bareLabel: '',
      target: { kind: 'atMost', max: 0 },
      detail: { checks },
    },
    ...figures,
  ];
}

/** Worker settings to try (prototype knob): BENCH_WORKER_SETTINGS='{"concurrency":200}'. */
function settingsOverride(): Partial<WorkerSettings> {
  const text = process.env.BENCH_WORKER_SETTINGS;
  return text ? (JSON.parse(text) as Partial<WorkerSettings>) : {};
}
