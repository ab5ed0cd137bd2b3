/**
 * A child process for the memory benchmark: runs the caseflow workers (`composeWorker`) or a bare
 * BullMQ Worker against a database and a queue full of pending deadlines, samples its own RSS,
 * and prints one JSON line with what it saw. Started by bench/memory.ts, never on its own.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { Worker } from 'bullmq';
import { Registry } from 'prom-client';
import { composeCaseflow, composeWorker } from '../app/compose';
import { CaseflowMetrics } from '../src/metrics';
import { systemClock } from '../src/clock';
import { silentLogger } from '../src/logger';
import { workerSettingsFromEnv } from '../workers/runner';

const mode = process.env.BENCH_MODE ?? 'caseflow';
const file = process.env.BENCH_DB ?? '';
const prefix = process.env.BENCH_PREFIX ?? '';
const holdMs = Number(process.env.BENCH_HOLD_MS ?? 5000);
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * The process's peak RSS (VmHWM). Not `resourceUsage().maxRSS`: on Linux that survives exec and
 * so includes the parent's RSS copied at fork.
 */
function peakRssMiB(): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    return m ? mib(Number(m[1]) * 1024) : null;
  } catch {
    return null; // not Linux: the sampled peak stands in
  }
}

/** Notes when the first reconcile (the leader's check of every pending deadline with Redis) ended. */
class ReconcileTimer extends CaseflowMetrics {
  endedAt: number | null = null;
  override reconcileRepaired(n: number): void {
    super.reconcileRepaired(n);
    this.endedAt ??= Date.now();
  }
}

/** Resolves with the moment the database first records a fired ladder step (polled every 5 ms), or null after `withinMs`. */
function firstStepRecorded(withinMs: number): Promise<number | null> {
  const reader = new Database(file, { readonly: true });
  const steps = reader.prepare("SELECT count(*) AS c FROM case_events WHERE kind = 'deadlineStep'").pluck();
  const until = Date.now() + withinMs;
  return new Promise((resolve) => {
    const poll = setInterval(() => {
      const fired = (steps.get() as number) > 0;
      if (!fired && Date.now() < until) return;
      clearInterval(poll);
      reader.close();
      resolve(fired ? Date.now() : null);
    }, 5);
  });
}

/** RSS and its parts after a GC. */
function memoryNow() {
  const m = process.memoryUsage();
  return { steadyRssMiB: mib(m.rss), heapUsedMiB: mib(m.heapUsed), heapTotalMiB: mib(m.heapTotal), externalMiB: mib(m.external) };
}

async function main(): Promise<void> {
  if (!file || !prefix) throw new Error('BENCH_DB and BENCH_PREFIX are required');
  const t0 = Date.now();
  const samples: number[] = [];
  const timeline: [number, number, number, string][] = [];
  let phase = 'start';
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    samples.push(m.rss);
    if (process.env.BENCH_TIMELINE) timeline.push([Date.now() - t0, mib(m.rss), mib(m.heapTotal), phase]);
  }, 100);
  let result: Record<string, unknown> = {};
  if (mode === 'caseflow') {
    // one deadline is due at start (bench/memory.ts): when its step is recorded, a step could fire
    const firstStep = firstStepRecorded(30_000);
    const cf = composeCaseflow({ dbFile: file, clock: systemClock });
    const timer = new ReconcileTimer(new Registry());
    const workers = await composeWorker(cf, workerSettingsFromEnv({ REDIS_URL: redisUrl }, { prefix }), { logger: silentLogger, metrics: timer });
    const startMs = Date.now() - t0;
    phase = 'polls';
    // The dispatcher's poll when nothing is waiting: it runs every 2 s and after every fired step.
    const polls: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await workers.dispatcher.dispatchPending();
      polls.push(performance.now() - t);
    }
    phase = 'hold';
    await sleep(holdMs);
    const firstStepAt = await firstStep;
    for (let waited = 0; timer.endedAt === null && waited < 60_000; waited += 100) await sleep(100);
    gc();
    await sleep(200);
    result = {
      startMs,
      firstStepMs: firstStepAt === null ? null : firstStepAt - t0,
      reconcileMs: timer.endedAt === null ? null : timer.endedAt - t0,
      idlePollMs: polls,
      ...memoryNow(),
    };
    await workers.close();
    await cf.close();
  } else {
    const db = new Database(file);
    const worker = new Worker('deadlines', () => Promise.resolve(), { connection: { url: redisUrl, maxRetriesPerRequest: null }, prefix, concurrency: 50 });
    await worker.waitUntilReady();
    const startMs = Date.now() - t0;
    await sleep(holdMs);
    gc();
    await sleep(200);
    result = { startMs, ...memoryNow() };
    await worker.close();
    db.close();
  }
  clearInterval(sampler);
  const peak = Math.max(...samples, process.memoryUsage().rss);
  if (process.env.BENCH_TIMELINE) process.stderr.write(`${JSON.stringify(timeline)}\n`);
  process.stdout.write(`${JSON.stringify({ mode, ...result, sampledPeakRssMiB: mib(peak), maxRssMiB: peakRssMiB() ?? mib(peak) })}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`memory worker failed: ${String(error)}\n`);
    process.exit(1);
  },
);
