/**
 * Shared helpers of the benchmarks: statistics, timing, progress lines on stderr, temporary
 * folders, unique BullMQ prefixes and their clean-up, machine and version facts, and the table.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';

/** The Redis the benchmarks use (the same default as the workers). */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What a benchmark module receives from the runner. */
export interface BenchContext {
  quick: boolean;
  /** A shared Redis connection for INFO, key clean-up and memory figures. */
  redis: Redis;
  /** Registers a BullMQ prefix whose keys are removed at the end (even after a failure). */
  track(prefix: string): string;
  /** A fresh temporary folder, removed at the end. */
  tempDir(tag: string): string;
  /** Registers clean-up (processes to stop, databases to drop) run at the end, even after a failure or Ctrl-C. */
  onCleanUp(fn: () => Promise<unknown>): void;
  /** Records a failure of one part of a benchmark whose other parts still report their figures. */
  reportFailure(what: string, error: string): void;
}

/** How a figure compares with its target. */
export type Target =
  /** caseflow ÷ bare must be at least `min` (throughput). */
  | { kind: 'ratioAtLeast'; min: number }
  /** The figure itself must be at most `max` (latency, memory), in the figure's unit. */
  | { kind: 'atMost'; max: number }
  /** The figure itself must be at least `min` (an absolute throughput), in the figure's unit. */
  | { kind: 'atLeast'; min: number }
  /** Reported for information; no target. */
  | { kind: 'none' };

/** One line of the results table. */
export interface Figure {
  /** Measurement group, e.g. `1 transitions`. */
  group: string;
  /** What was measured, e.g. `applyEvent, file DB (WAL)`. */
  name: string;
  unit: string;
  /** The caseflow figure (median of the runs). */
  caseflow: number;
  /** The bare baseline measured in the same run (median), or null when there is none. */
  bare: number | null;
  /** What the bare baseline is. */
  bareLabel: string;
  target: Target;
  /**
   * caseflow ÷ bare as the median of the per-run ratios, when each run measured both sides
   * together (steadier on a noisy machine than the ratio of the two medians).
   */
  pairedRatio?: number;
  /** Every run's figure, caseflow and bare, for the JSON. */
  runs?: number[];
  bareRuns?: number[];
  /** Extra facts for the JSON and the notes (counts, breakdowns). */
  detail?: Record<string, unknown>;
  note?: string;
  /** Custom cell text instead of the bare number (e.g. `12 ms (median 4 ms)`). */
  display?: { caseflow?: string; bare?: string };
}

/** caseflow ÷ bare, or null. */
export function ratioOf(f: Figure): number | null {
  if (f.pairedRatio !== undefined) return f.pairedRatio;
  return f.bare === null || f.bare === 0 ? null : f.caseflow / f.bare;
}

/**
 * The measured figure against its target: > 1 beats a floor (`ratioAtLeast`: ratio ÷ floor;
 * `atLeast`: figure ÷ floor), ≤ 1 stays under a ceiling (`atMost`: figure ÷ ceiling).
 */
export function againstTarget(f: Figure): number | null {
  if (f.target.kind === 'ratioAtLeast') {
    const r = ratioOf(f);
    return r === null ? null : r / f.target.min;
  }
  if (f.target.kind === 'atMost') return f.target.max === 0 ? (f.caseflow <= 0 ? 0 : Infinity) : f.caseflow / f.target.max;
  if (f.target.kind === 'atLeast') return f.caseflow / f.target.min;
  return null;
}

/** True, false, or null when the figure has no target. */
export function targetMet(f: Figure): boolean | null {
  const v = againstTarget(f);
  if (v === null) return null;
  return f.target.kind === 'ratioAtLeast' || f.target.kind === 'atLeast' ? v >= 1 : v <= 1;
}

// ---------------------------------------------------------------- statistics

export function median(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The p-th percentile (0–100) by linear interpolation between closest ranks. */
export function percentile(xs: readonly number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = (p / 100) * (s.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo);
}

export const max = (xs: readonly number[]): number => xs.reduce((m, x) => (x > m ? x : m), -Infinity);

/** The median of the per-run ratios a[i] ÷ b[i]. */
export const pairedRatio = (a: readonly number[], b: readonly number[]): number => median(a.map((x, i) => x / b[i]!));

/** Milliseconds taken by `fn`. */
export function timeSync(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export async function timeAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs the garbage collector when node was started with --expose-gc (the runner does that). */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** A small seeded PRNG (mulberry32), so generated data is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * CPU used by other processes while `fn`-like windows run: take `cpuMark()` before and pass it to
 * `otherCpu()` after. Reads /proc/stat (Linux); elsewhere returns null.
 */
export interface CpuMark {
  machineBusyMs: number;
  ownMs: number;
  wallMs: number;
}

function machineBusyMs(): number | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const ticks = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

export function cpuMark(): CpuMark | null {
  const busy = machineBusyMs();
  if (busy === null) return null;
  const own = process.cpuUsage();
  return { machineBusyMs: busy, ownMs: (own.user + own.system) / 1000, wallMs: performance.now() };
}

/** Cores' worth of CPU that other processes (Redis, other jobs on the machine) used since `mark`. */
export function otherCpu(mark: CpuMark | null): number | null {
  const now = cpuMark();
  if (!mark || !now) return null;
  const wall = now.wallMs - mark.wallMs;
  if (wall <= 0) return null;
  return Math.max(0, (now.machineBusyMs - mark.machineBusyMs - (now.ownMs - mark.ownMs)) / wall);
}

// ---------------------------------------------------------------- progress

const started = performance.now();

/** One progress line on stderr, with the time since the run began. */
export function progress(message: string): void {
  const s = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${s}s] ${message}\n`);
}

/** Reports progress of a long loop at most every `everyMs`. */
export function ticker(label: string, total: number, everyMs = 3000): (done: number) => void {
  let last = performance.now();
  return (done) => {
    const now = performance.now();
    if (now - last < everyMs && done < total) return;
    last = now;
    progress(`${label}: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${Math.round((100 * done) / total)}%)`);
  };
}

// ---------------------------------------------------------------- resources

/** A fresh, unique BullMQ prefix (never contains `:`). */
export const uniquePrefix = (): string => `cfbench-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

/** Removes every key under `prefix:` (SCAN + UNLINK); returns how many were removed. */
export async function removeKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    for (let i = 0; i < keys.length; i += 1000) {
      removed += await redis.unlink(...keys.slice(i, i + 1000));
    }
  } while (cursor !== '0');
  return removed;
}

export function makeTempDir(tag: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `caseflow-bench-${tag}-`));
}

/** Redis's `used_memory` in bytes. */
export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  const m = /used_memory:(\d+)/.exec(info);
  if (!m) throw new Error('INFO memory has no used_memory');
  return Number(m[1]);
}

// ---------------------------------------------------------------- machine and versions

export interface Environment {
  date: string;
  mode: 'quick' | 'full';
  machine: { cpu: string; cores: number; memoryGiB: number; platform: string; kernel: string };
  versions: Record<string, string>;
  redis: { version: string; hz: string; maxmemory: string };
  /** The commit measured, and whether the code outside bench/ had uncommitted changes. */
  git: { commit: string; dirty: boolean };
}

function gitState(): { commit: string; dirty: boolean } {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'workers', 'db', 'machines'], { encoding: 'utf8' }).trim().length > 0;
    return { commit, dirty };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

function packageVersion(name: string): string {
  try {
    // Walk up from the package's entry point: some packages do not export their package.json.
    let dir = path.dirname(require.resolve(name, { paths: [process.cwd(), __dirname] }));
    for (;;) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version: string };
        if (pkg.name === name) return pkg.version;
      }
      const up = path.dirname(dir);
      if (up === dir) return 'unknown';
      dir = up;
    }
  } catch {
    return 'unknown';
  }
}

/** The machine, the library versions, SQLite's and Redis's, and the date. */
export async function environment(redis: Redis, sqliteVersion: string, mode: 'quick' | 'full'): Promise<Environment> {
  const server = await redis.info('server');
  const field = (text: string, key: string) => new RegExp(`^${key}:(.*)$`, 'm').exec(text)?.[1]?.trim() ?? 'unknown';
  const hz = (await redis.config('GET', 'hz'))[1] ?? field(server, 'hz');
  const maxmemory = (await redis.config('GET', 'maxmemory'))[1] ?? 'unknown';
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    mode,
    machine: {
      cpu: cpus[0]?.model.trim() ?? 'unknown',
      cores: cpus.length,
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      platform: `${os.platform()} ${os.arch()}`,
      kernel: os.release(),
    },
    versions: {
      node: process.versions.node,
      sqlite: sqliteVersion,
      'better-sqlite3': packageVersion('better-sqlite3'),
      xstate: packageVersion('xstate'),
      'drizzle-orm': packageVersion('drizzle-orm'),
      pg: packageVersion('pg'),
      bullmq: packageVersion('bullmq'),
      ioredis: packageVersion('ioredis'),
      zod: packageVersion('zod'),
      luxon: packageVersion('luxon'),
      tsx: packageVersion('tsx'),
      redis: field(server, 'redis_version'),
    },
    redis: { version: field(server, 'redis_version'), hz, maxmemory },
    git: gitState(),
  };
}

// ---------------------------------------------------------------- table

/** A number for people: 3 significant figures, thousands separated. */
export function fmt(value: number | null, unit = ''): string {
  if (value === null || Number.isNaN(value)) return '–';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit ? `${text} ${unit}` : text;
}

function targetText(t: Target, unit: string): string {
  if (t.kind === 'ratioAtLeast') return `≥ ${t.min}× bare`;
  if (t.kind === 'atMost') return `≤ ${fmt(t.max)} ${unit}`;
  if (t.kind === 'atLeast') return `≥ ${fmt(t.min)} ${unit}`;
  return '–';
}

/** The results as a markdown table, with the environment above it and notes below. */
export function renderMarkdown(env: Environment, figures: readonly Figure[], elapsedS: number): string {
  const lines: string[] = [];
  lines.push(`# caseflow benchmarks (${env.mode})`, '');
  lines.push(`- Date: ${env.date} (run took ${Math.round(elapsedS)} s); code at commit ${env.git.commit}${env.git.dirty ? ' with uncommitted changes' : ''}`);
  lines.push(`- Machine: ${env.machine.cpu}, ${env.machine.cores} cores, ${env.machine.memoryGiB} GiB RAM, ${env.machine.platform} (${env.machine.kernel})`);
  lines.push(
    `- Versions: ${Object.entries(env.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  lines.push(`- Redis: ${env.redis.version}, hz ${env.redis.hz}, maxmemory ${env.redis.maxmemory}`);
  lines.push('');
  lines.push('| # | measurement | caseflow | bare baseline | caseflow ÷ bare | target | vs target | met |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const f of figures) {
    const ratio = ratioOf(f);
    const vs = againstTarget(f);
    const met = targetMet(f);
    lines.push(
      `| ${f.group} | ${f.name} | ${f.display?.caseflow ?? fmt(f.caseflow, f.unit)} | ${
        f.bare === null ? '–' : `${f.display?.bare ?? fmt(f.bare, f.unit)} (${f.bareLabel})`
      } | ${
        ratio === null ? '–' : `${ratio.toFixed(2)}×`
      } | ${targetText(f.target, f.unit)} | ${vs === null ? '–' : `${vs.toFixed(2)}`} | ${met === null ? '' : met ? 'yes' : '**no**'} |`,
    );
  }
  lines.push('');
  lines.push('caseflow ÷ bare: for throughput the median of the per-run ratios (both sides measured together in each run). "vs target": for a ratio floor, (caseflow ÷ bare) ÷ floor (≥ 1 meets it); for a ceiling, figure ÷ ceiling (≤ 1 meets it).');
  const notes = figures.filter((f) => f.note);
  if (notes.length) {
    lines.push('', '## Notes', '');
    for (const f of notes) lines.push(`- **${f.group} ${f.name}**: ${f.note}`);
  }
  lines.push('');
  return lines.join('\n');
}
