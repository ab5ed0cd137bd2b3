/**
 * 7. CLI start-up: wall time of `caseflow --help` and `caseflow show <case>` (asking a running
 * server with a token, as caseworkers run it) through the package bin
 * (the compiled dist/, built here first when missing), each run alternately with a bare `node -e ''`
 * (the floor any Node program pays). Median and p99 of the runs; the target is on the median.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openSqliteStore } from '../db/sqlite/store';
import { Accounts } from '../src/auth/accounts';
import { systemClock } from '../src/clock';
import { fmt, median, percentile, progress, sleep, type BenchContext, type Figure } from './lib';

const ROOT = path.join(__dirname, '..');
const BIN = path.join(ROOT, 'bin', 'caseflow.js');

/** Wall time of one process run to its exit, in ms; throws when it fails. */
function wallTime(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (run.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${run.stderr}`);
  return ms;
}

/** `caseflow serve` on `file` (through the bin), stopped at clean-up; answers its URL once it listens. */
async function serve(ctx: BenchContext, file: string, env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [BIN, '--db', file, 'serve', '--port', '0'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  ctx.onCleanUp(async () => {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  for (const until = Date.now() + 30_000; Date.now() < until; await sleep(50)) {
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    if (url) return url;
  }
  throw new Error(`caseflow serve did not start: ${output}`);
}

/** A supervisor's token on the data file (an operator's step, done in-process). */
async function supervisorToken(file: string): Promise<string> {
  const store = openSqliteStore(file);
  try {
    const accounts = new Accounts(store, systemClock);
    await accounts.addUser('li.wei', 'supervisor');
    return (await accounts.createToken('li.wei', 'bench')).token;
  } finally {
    await store.close();
  }
}

export async function benchStartup(ctx: BenchContext): Promise<Figure[]> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'app', 'cli.js'))) {
    progress('7 start-up: building dist/ (npm run build)');
    spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.js')], { cwd: ROOT, stdio: 'inherit' });
  }
  const dir = ctx.tempDir('startup');
  const file = path.join(dir, 'startup.sqlite');
  const base: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: dir };
  delete base.CASEFLOW_FROM_SOURCE;
  delete base.DATABASE_URL;
  const token = await supervisorToken(file);
  // `show` is a caseworker command: it asks the server with a token, as a person runs it
  const env: NodeJS.ProcessEnv = { ...base, CASEFLOW_URL: await serve(ctx, file, base), CASEFLOW_TOKEN: token };
  const created = spawnSync(
    process.execPath,
    [BIN, '--json', 'create', 'rectification', '--input', JSON.stringify({ unit: 'Housing Bureau', report: 'Seeing: stamps take weeks', airedAt: '2026-11-25T20:00:00+08:00' })],
    { cwd: ROOT, env, encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`caseflow create failed: ${created.stderr}`);
  const caseId = (JSON.parse(created.stdout) as { id: string }).id;
  const runs = ctx.quick ? 10 : 30;
  const commands: { name: string; args: string[] }[] = [
    { name: 'caseflow --help', args: [BIN, '--help'] },
    { name: 'caseflow show <case> (through the server)', args: [BIN, 'show', caseId] },
  ];
  return commands.map(({ name, args }) => {
    const cf: number[] = [];
    const bare: number[] = [];
    wallTime(args, env);
    for (let i = 0; i < runs; i++) {
      cf.push(wallTime(args, env));
      bare.push(wallTime(['-e', ''], env));
    }
    progress(`7 start-up: ${name}: median ${median(cf).toFixed(0)} ms, p99 ${percentile(cf, 99).toFixed(0)} ms (bare node median ${median(bare).toFixed(0)} ms)`);
    return {
      group: '7',
      name: `CLI start-up, wall time: ${name} (median, p99)`,
      unit: 'ms',
      caseflow: median(cf),
      bare: median(bare),
      bareLabel: "node -e ''",
      target: { kind: 'atMost', max: 250 },
      display: { caseflow: `${fmt(median(cf), 'ms')} (p99 ${fmt(percentile(cf, 99))})`, bare: `${fmt(median(bare), 'ms')} (p99 ${fmt(percentile(bare, 99))})` },
      runs: cf,
      bareRuns: bare,
      detail: { runs, command: name },
    };
  });
}
