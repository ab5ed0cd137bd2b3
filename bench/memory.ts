/**
 * 6. Memory: the worker process's RSS with N pending deadlines (1M in the full run) in the
 * database and in Redis, against a bare BullMQ Worker on the same queue; and Redis memory per
 * pending deadline (INFO memory before/after adding the jobs the dispatcher makes) against a
 * minimal delayed job. Also the dispatcher's idle outbox poll at that size.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { openSqliteStore } from '../db/sqlite';
import { generatePendingDeadlines } from './dataset';
import { fmt, median, progress, REDIS_URL, redisUsedMemory, removeKeys, sleep, ticker, uniquePrefix, type BenchContext, type Figure } from './lib';
import { addJobs, deadlineJob } from './scheduling';

interface ChildResult {
  mode: string;
  startMs: number;
  /** From the child's start until the step due at start was recorded (caseflow only; null when none was due). */
  firstStepMs?: number | null;
  /** From the child's start until its first reconcile of every pending deadline ended (caseflow only). */
  reconcileMs?: number | null;
  idlePollMs?: number[];
  steadyRssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  sampledPeakRssMiB: number;
  maxRssMiB: number;
}

/** Runs bench/memoryWorker.ts in its own node process (with tsx and --expose-gc). */
function runChild(env: Record<string, string>, flags: string[] = []): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, '--expose-gc', '--import', 'tsx', path.join(__dirname, 'memoryWorker.ts')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`memory worker exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(line) as ChildResult);
      } catch (error) {
        reject(new Error(`memory worker printed no result: ${out} (${String(error)})`));
      }
    });
  });
}

export async function benchMemory(ctx: BenchContext): Promise<Figure[]> {
  const n = Number(process.env.BENCH_MEMORY_N ?? (ctx.quick ? 50_000 : 1_000_000));
  const minimalN = Math.min(n, 100_000);
  const dir = ctx.tempDir('memory');
  const file = path.join(dir, 'pending.sqlite');
  const prefix = ctx.track(uniquePrefix());
  const minimalPrefix = ctx.track(uniquePrefix());
  const emptyPrefix = ctx.track(uniquePrefix());
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  try {
    // The database: N open cases, each with one running deadline, already dispatched.
    progress(`6 memory: writing ${n.toLocaleString('en-US')} pending deadlines`);
    const now = Date.now();
    // the first deadline is due at once: the caseflow worker's first step, to time its start-up
    const fireAt = (i: number) => (i === 0 ? now : now + 30 * 86_400_000 + i * 1000);
    const client = openSqliteStore(file).db.$client;
    const ids = generatePendingDeadlines(client, n, { now, fireAt, dispatched: true }, ticker('6 memory: database', n, 5000));
    client.pragma('wal_checkpoint(TRUNCATE)');
    client.close();

    // Redis: the dispatcher's jobs for them, INFO memory before and after.
    const queue = new Queue('deadlines', { connection: redis, prefix });
    await queue.waitUntilReady();
    await sleep(200);
    const before = await redisUsedMemory(ctx.redis);
    await addJobs(queue, n, (i) => deadlineJob(ids[i]!, 1, fireAt(i), now), '6 memory: jobs into Redis');
    await sleep(200);
    const after = await redisUsedMemory(ctx.redis);
    const perJob = (after - before) / n;
    await queue.close();

    // Bare: the smallest delayed job BullMQ keeps (no id, no options but the delay).
    const minimal = new Queue('deadlines', { connection: redis, prefix: minimalPrefix });
    await minimal.waitUntilReady();
    await sleep(200);
    const minBefore = await redisUsedMemory(ctx.redis);
    await addJobs(minimal, minimalN, (i) => ({ name: 'd', data: {}, opts: { delay: 30 * 86_400_000 + i * 1000 } }), '6 memory: minimal jobs');
    await sleep(200);
    const minPerJob = ((await redisUsedMemory(ctx.redis)) - minBefore) / minimalN;
    await minimal.close();
    await removeKeys(ctx.redis, minimalPrefix);
    progress(`6 memory: Redis ${fmt(perJob)} bytes per caseflow deadline job, ${fmt(minPerJob)} per minimal delayed job`);

    // The worker processes.
    const hold = ctx.quick ? '3000' : '5000';
    progress(`6 memory: caseflow worker on ${n.toLocaleString('en-US')} pending deadlines (start-up reconciles every one with Redis)`);
    const cf = await runChild({ BENCH_MODE: 'caseflow', BENCH_DB: file, BENCH_PREFIX: prefix, BENCH_HOLD_MS: hold });
    progress(`6 memory: caseflow worker: ${JSON.stringify(cf)}`);
    const bare = await runChild({ BENCH_MODE: 'bare', BENCH_DB: file, BENCH_PREFIX: prefix, BENCH_HOLD_MS: hold });
    progress(`6 memory: bare BullMQ worker: ${JSON.stringify(bare)}`);
    await openSqliteStore(path.join(dir, 'empty.sqlite')).close();
    const empty = await runChild({ BENCH_MODE: 'caseflow', BENCH_DB: path.join(dir, 'empty.sqlite'), BENCH_PREFIX: emptyPrefix, BENCH_HOLD_MS: hold });
    progress(`6 memory: caseflow worker with no deadlines: ${JSON.stringify(empty)}`);

    const semi = await runChild({ BENCH_MODE: 'caseflow', BENCH_DB: file, BENCH_PREFIX: prefix, BENCH_HOLD_MS: hold }, ['--max-semi-space-size=2']);
    progress(`6 memory: caseflow worker with --max-semi-space-size=2: ${JSON.stringify(semi)}`);

    const label = n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
    return [
      {
        group: '6',
        name: `worker peak RSS, ${label} pending deadlines`,
        unit: 'MiB',
        caseflow: cf.maxRssMiB,
        bare: bare.maxRssMiB,
        bareLabel: 'BullMQ Worker + better-sqlite3 open',
        target: { kind: 'atMost', max: 160 },
        detail: { pending: n, caseflow: cf, bare, caseflowNoDeadlines: empty },
        note: `heap in use after GC ${fmt(cf.heapUsedMiB)} MiB (${fmt(empty.heapUsedMiB)} with no deadlines: the worker holds none of them); steady RSS after GC ${fmt(cf.steadyRssMiB)} MiB (bare ${fmt(bare.steadyRssMiB)}); the same caseflow worker with no deadlines peaks at ${fmt(
          empty.maxRssMiB,
        )} MiB, so the pending deadlines add ${fmt(cf.maxRssMiB - empty.maxRssMiB)} MiB; the first reconcile of every pending deadline with Redis ended ${fmt(cf.reconcileMs ?? NaN)} ms after start, in the background`,
      },
      {
        group: '6',
        name: `worker start-up until the first step fires, ${label} pending deadlines`,
        unit: 'ms',
        caseflow: cf.firstStepMs ?? NaN,
        bare: bare.startMs,
        bareLabel: 'BullMQ Worker ready',
        target: { kind: 'atMost', max: 2000 },
        detail: { pending: n, firstStepMs: cf.firstStepMs, reconcileMs: cf.reconcileMs, startMs: cf.startMs },
        note: `from process start (modules loaded) to the step of the one deadline due at start recorded in the case log; the workers were started after ${fmt(cf.startMs)} ms, the first reconcile ended after ${fmt(cf.reconcileMs ?? NaN)} ms`,
      },
      {
        group: '6',
        name: `↳ same worker started with node --max-semi-space-size=2 (prototype)`,
        unit: 'MiB',
        caseflow: semi.maxRssMiB,
        bare: bare.maxRssMiB,
        bareLabel: 'BullMQ Worker + better-sqlite3 open',
        target: { kind: 'atMost', max: 160 },
        detail: { pending: n, caseflow: semi },
        note: `a smaller young generation keeps the garbage of the start-up reconcile from growing the heap; steady RSS after GC ${fmt(semi.steadyRssMiB)} MiB, start-up ${fmt(semi.startMs)} ms`,
      },
      {
        group: '6',
        name: 'Redis memory per pending deadline',
        unit: 'bytes',
        caseflow: perJob,
        bare: minPerJob,
        bareLabel: 'minimal delayed job',
        target: { kind: 'atMost', max: 650 },
        detail: { jobs: n, usedMemoryBefore: before, usedMemoryAfter: after, minimalJobs: minimalN },
        note: `${fmt((perJob * 1e6) / 2 ** 30)} GiB of Redis per million pending deadlines`,
      },
      {
        group: '6',
        name: `dispatcher idle poll (nothing to send), ${label} pending`,
        unit: 'ms',
        caseflow: median(cf.idlePollMs ?? []),
        bare: median(empty.idlePollMs ?? []),
        bareLabel: 'same poll, empty database',
        target: { kind: 'none' },
        detail: { caseflow: cf.idlePollMs, empty: empty.idlePollMs },
      },
    ];
  } finally {
    redis.disconnect();
    progress(`6 memory: removing ${n.toLocaleString('en-US')} jobs from Redis`);
    await removeKeys(ctx.redis, prefix);
  }
}
