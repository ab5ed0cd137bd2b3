/**
 * Fires N deadlines' remind and overdue steps through `engine.deadlines.fire` (no Redis), for a CPU
 * profile of the steps alone: `npx tsx bench/firingProfile.ts [N] [profile.cpuprofile]` (the set-up
 * is left out of the profile). Prints steps/s.
 */
import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { benchEngine, liaison, supervisor } from './workload';
import { makeTempDir } from './lib';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 2000);
  const fx = benchEngine(makeTempDir('firing-profile'), 'profile');
  const t0 = fx.clock.now();
  const airedAt = new Date(t0).toISOString();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const opened = await fx.engine.createCase({ type: 'rectification', input: { unit: `Unit ${i % 200}`, report: 'r', airedAt, planDueMinutes: 1 }, actor: supervisor });
    await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    const running = await fx.cf.store.read((tx) => tx.deadlines.runningOfCase(opened.id));
    ids.push(...running.map((d) => d.id));
  }
  const out = process.argv[3];
  const session = new Session();
  if (out) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  for (const [step, at, rev] of [['remind', t0 + 45_000, 1], ['overdue', t0 + 60_000, 2]] as const) {
    fx.clock.set(at);
    const start = performance.now();
    for (const id of ids) if ((await fx.engine.deadlines.fire(id, rev)).kind !== 'fired') throw new Error(`${id} did not fire ${step}`);
    process.stdout.write(`${step}: ${Math.round((ids.length * 1000) / (performance.now() - start))} steps/s\n`);
  }
  if (out) {
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(out, JSON.stringify(profile));
  }
  await fx.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
