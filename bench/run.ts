/**
 * caseflow's benchmarks: `npm run bench` (full counts) or `npm run bench:quick` (smaller counts:
 * under two minutes, and under two more for the PostgreSQL rows). Each figure is printed with its
 * bare baseline measured in the same run and written to bench/results/<mode>.json and
 * bench/results/<mode>.md.
 *
 * Options: --quick, --only=transitions,profile,intake,scheduling,firing,lateness,queries,memory,web,startup,migrate,audit,postgres (and
 * `prototypes`, the prototypes of proposed fixes, run only when named).
 * Environment: REDIS_URL (default redis://127.0.0.1:6379); BENCH_DATABASE_URL, the PostgreSQL
 * server's admin database for the `postgres` rows (default postgres://postgres@127.0.0.1:5432/test;
 * when nothing answers there, those rows say skipped).
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { benchAudit } from './auditVerify';
import { benchFiring } from './firing';
import { benchIntake } from './intake';
import { benchLateness } from './lateness';
import { benchMemory } from './memory';
import { benchMigratePlan } from './migratePlan';
import { benchPostgres } from './postgres';
import { benchPrototypes } from './prototypes';
import { benchQueries } from './queries';
import { benchScheduling } from './scheduling';
import { benchStartup } from './startup';
import { benchTransitionProfile } from './transitionProfile';
import { benchTransitions } from './transitions';
import { benchWebPages } from './webPages';
import { environment, makeTempDir, progress, ratioOf, REDIS_URL, removeKeys, renderMarkdown, targetMet, type BenchContext, type Figure } from './lib';

const BENCHES: Record<string, (ctx: BenchContext) => Figure[] | Promise<Figure[]>> = {
  transitions: benchTransitions,
  /** Where a persisted transition's time goes, by layer (a sampling profile of bench 1's life). */
  profile: benchTransitionProfile,
  intake: benchIntake,
  scheduling: benchScheduling,
  firing: benchFiring,
  lateness: benchLateness,
  queries: benchQueries,
  memory: benchMemory,
  /** The web app's pages at 100k cases, through Fastify, against the SQL they send. */
  web: benchWebPages,
  /** CLI start-up through the package bin (the compiled dist/). */
  startup: benchStartup,
  /** `migrate plan` replaying open cases, against a bare replay. */
  migrate: benchMigratePlan,
  /** `audit verify --all` over sealed entries, against a bare check of the same rows. */
  audit: benchAudit,
  /** PostgreSQL: transitions, API processes and deadline workers (skipped when no server answers). */
  postgres: benchPostgres,
  /** Prototypes of proposed fixes: only with --only=prototypes. */
  prototypes: benchPrototypes,
};
const ON_REQUEST = new Set(['prototypes']);

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
  const unknown = (only ?? []).filter((name) => !(name in BENCHES));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  const mode = quick ? 'quick' : 'full';
  const started = performance.now();

  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2, lazyConnect: true });
  await redis.connect().catch((error: unknown) => {
    throw new Error(`Redis at ${REDIS_URL} is needed for the benchmarks: ${String(error)}`);
  });
  const prefixes = new Set<string>();
  const dirs = new Set<string>();
  const cleanUps: (() => Promise<unknown>)[] = [];
  const failures: { bench: string; error: string }[] = [];
  const cleanUp = async () => {
    // processes and databases first (they may hold keys and files), the last registered first
    for (const fn of cleanUps.splice(0).reverse()) await fn().catch(() => undefined);
    for (const prefix of prefixes) await removeKeys(redis, prefix).catch(() => 0);
    prefixes.clear();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
    dirs.clear();
  };
  process.once('SIGINT', () => {
    progress('interrupted: cleaning up');
    void cleanUp().finally(() => process.exit(130));
  });
  const ctx: BenchContext = {
    quick,
    redis,
    track: (prefix) => (prefixes.add(prefix), prefix),
    tempDir: (tag) => {
      const dir = makeTempDir(tag);
      dirs.add(dir);
      return dir;
    },
    onCleanUp: (fn) => void cleanUps.push(fn),
    reportFailure: (bench, error) => void failures.push({ bench, error }),
  };

  const sqlite = new Database(':memory:');
  const sqliteVersion = (sqlite.prepare('select sqlite_version() AS v').get() as { v: string }).v;
  sqlite.close();
  const env = await environment(redis, sqliteVersion, mode);
  progress(`caseflow benchmarks (${mode}) on ${env.machine.cpu}, ${env.machine.cores} cores; node ${env.versions.node}, SQLite ${sqliteVersion}, Redis ${env.redis.version} (hz ${env.redis.hz})`);

  const figures: Figure[] = [];
  try {
    for (const [name, bench] of Object.entries(BENCHES)) {
      if (only ? !only.includes(name) : ON_REQUEST.has(name)) continue;
      const t0 = performance.now();
      try {
        figures.push(...(await bench(ctx)));
      } catch (error) {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push({ bench: name, error: text });
        progress(`${name} FAILED: ${text}`);
      }
      progress(`${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      await cleanUp();
    }
  } finally {
    await cleanUp();
    redis.disconnect();
  }

  const elapsedS = (performance.now() - started) / 1000;
  let markdown = renderMarkdown(env, figures, elapsedS);
  if (failures.length) markdown += `\n## Failed\n\n${failures.map((f) => `- ${f.bench}: ${f.error.split('\n')[0]}`).join('\n')}\n`;
  const resultsDir = path.join(__dirname, 'results');
  fs.mkdirSync(resultsDir, { recursive: true });
  const json = {
    ...env,
    elapsedS: Math.round(elapsedS),
    figures: figures.map((f) => ({ ...f, ratio: ratioOf(f), targetMet: targetMet(f) })),
    failures,
  };
  const suffix = only ? `-${only.join('-')}` : '';
  fs.writeFileSync(path.join(resultsDir, `${mode}${suffix}.json`), `${JSON.stringify(json, null, 2)}\n`);
  fs.writeFileSync(path.join(resultsDir, `${mode}${suffix}.md`), markdown);
  process.stdout.write(`\n${markdown}`);
  progress(`results written to bench/results/${mode}${suffix}.{json,md} (${Math.round(elapsedS)} s)`);
  return failures.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
