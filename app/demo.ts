/**
 * The demo: one case of each type walked to a decision, then the headline deadline scenario with
 * time compressed — two units criticized on air at 20:00, one answers by 21:00, the other is marked
 * overdue and escalated by the workers on Redis. Compression is a setting of the injected clock.
 */
import fs from 'node:fs';
import { printHistory } from '../src/cli/print';
import { ManualClock, ScaledClock, type Clock } from '../src/clock';
import type { CaseEngine } from '../src/engine/engine';
import { silentLogger } from '../src/logger';
import { workerSettingsFromEnv } from '../workers/runner';
import { createApiLogger } from '../src/api/logging';
import { composeApi, composeCaseflow, composeWorker } from './compose';
import { demoIdentitySeal } from './identityKeys';
import { findRedis } from './redisProbe';
import { CaseflowError } from '../src/errors';
import { clueScript, holdingClueScript, people, rectificationScript, selfRecommendationScript, type CaseScript } from './demoScripts';

export interface DemoOptions {
  dbFile: string;
  log: (line: string) => void;
  /** @defaultValue `REDIS_URL`, else redis://127.0.0.1:6379 */
  redisUrl?: string;
  /** Case-time milliseconds per real millisecond in the deadline part. @defaultValue 720 (an hour in 5 s) */
  rate?: number;
  /** After both parts, serve the web app and the API on the demo data until SIGINT or SIGTERM. @defaultValue not served */
  serve?: { port: number; host: string; signals?: Pick<NodeJS.Process, 'once' | 'off'> };
}

/** The demo's web password for every demo user (printed with the sign-ins). */
export const DEMO_PASSWORD = 'caseflow-demo';

const shanghai = (ms: number): string =>
  new Date(ms).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai', hour12: false }).slice(0, 16);

function freshCaseflow(file: string, clock: Clock) {
  for (const suffix of ['', '-wal', '-shm', '-migrate.lock']) fs.rmSync(`${file}${suffix}`, { force: true });
  return composeCaseflow({ dbFile: file, clock, identitySeal: demoIdentitySeal(file) });
}

/**
 * Plays one script on the engine, printing each step; returns the case id. `beforeLast` runs before
 * the last step (the demo's linked-case hold happens there).
 */
async function play(engine: CaseEngine, clock: ManualClock, script: CaseScript, log: (line: string) => void, beforeLast?: (caseId: string) => Promise<void>): Promise<string> {
  log(`\n▸ ${script.title}`);
  clock.set(script.startsAt);
  const opened = await engine.createCase({ type: script.type, input: script.input, actor: script.opener });
  log(`  ${shanghai(clock.now())}  opened ${opened.id} by ${script.opener.id} (${script.opener.role}) → ${opened.state}`);
  for (const [i, step] of script.steps.entries()) {
    if (beforeLast && i === script.steps.length - 1) await beforeLast(opened.id);
    clock.advance(step.afterMinutes * 60_000);
    const { case: after, event } = await engine.applyEvent(opened.id, step.event, step.actor);
    log(`  ${shanghai(clock.now())}  ${event.type.padEnd(20)} by ${step.actor.id.padEnd(9)} ${event.fromState} → ${event.toState}`);
    if (event.fromState !== event.toState) {
      for (const d of after.deadlines.filter((x) => x.running && x.status === 'pending')) {
        log(`${' '.repeat(19)}deadline ${d.kind}: due ${shanghai(Date.parse(d.dueAt))}`);
      }
    }
  }
  return opened.id;
}

/**
 * The linked-case hold: a clue about the candidate, filed before the decision, holds up her
 * self-recommendation (DECIDE refused, CASE_ON_HOLD) until the clue is closed; its outcome is noted there.
 */
async function holdUp(engine: CaseEngine, clock: ManualClock, recommendationId: string, log: (line: string) => void): Promise<void> {
  const clue = await engine.createCase({ type: 'clue', input: holdingClueScript.input, actor: holdingClueScript.opener });
  log(`\n  ▸ ${holdingClueScript.title}: ${clue.id} opened by ${holdingClueScript.opener.id}`);
  try {
    await engine.applyEvent(recommendationId, { type: 'DECIDE', outcome: 'appointed', reason: 'Both views clear; proven results' }, people.chair);
  } catch (error) {
    if (!(error instanceof CaseflowError)) throw error;
    log(`  ${shanghai(clock.now())}  DECIDE refused: ${error.code}: ${error.message}`);
  }
  for (const step of holdingClueScript.steps) {
    clock.advance(step.afterMinutes * 60_000);
    const { event } = await engine.applyEvent(clue.id, step.event, step.actor);
    log(`  ${shanghai(clock.now())}  ${clue.id} ${event.type} by ${step.actor.id} → ${event.toState}`);
  }
  const noted = (await engine.history(recommendationId)).find((e) => e.type === 'CLUE_OUTCOME_RECORDED');
  if (noted) log(`  → the clue's outcome is noted on ${recommendationId} (CLUE_OUTCOME_RECORDED) and the hold lifts`);
  log('');
}

/** Part one: three cases walked to decisions on the embedded SQLite database. */
export async function walkThreeCases(dbFile: string, log: (line: string) => void): Promise<void> {
  const clock = new ManualClock(Date.parse(selfRecommendationScript.startsAt));
  const cf = freshCaseflow(dbFile, clock);
  const { engine } = cf;
  try {
    log('Part 1 — three cases walked to their decisions (SQLite: ' + dbFile + ')');
    const recommendationId = await play(engine, clock, selfRecommendationScript, log, (id) => holdUp(engine, clock, id, log));
    const notice = (await engine.getCase(recommendationId)).deadlines.find((d) => d.running);
    if (notice) log(`  → public notice runs until ${shanghai(Date.parse(notice.dueAt))} (5 working days)`);
    const clueId = await play(engine, clock, clueScript, log);
    const linked = (await engine.history(clueId)).find((e) => e.type === 'LINKED_CASE_OPENED');
    if (linked) log(`  → the decision opened rectification case ${(linked.payload as { caseId: string }).caseId}`);
    const rectificationId = await play(engine, clock, rectificationScript, log);
    log(`\n  the rectification's event log, as stored (case ${rectificationId}; \`npm run demo -- --serve\` prints how to read it with \`caseflow history\`):`);
    log(printHistory(await engine.history(rectificationId)).replace(/^/gm, '    '));
  } finally {
    await cf.close();
  }
}

/** Part two: the 21:00 rule enforced by the workers on Redis, with compressed time; answers its database file and final case time, or null without Redis. */
export async function enforceDeadlines(options: DemoOptions): Promise<{ file: string; endedAt: number } | null> {
  const { log } = options;
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  log('\nPart 2 — "criticism aired at 20:00, rectification plan due at 21:00", enforced by the deadline workers');
  const redis = await findRedis(redisUrl);
  if ('missing' in redis) {
    log(redis.missing);
    return null;
  }
  const rate = options.rate ?? 720;
  const origin = Date.parse('2026-11-25T20:00:00+08:00');
  const clock = new ScaledClock(origin, rate);
  const file = options.dbFile.replace(/(\.sqlite)?$/, '-deadlines.sqlite');
  const cf = freshCaseflow(file, clock);
  const { engine } = cf;
  log(`  Redis: ${redis.url}${redis.private ? ' (a private redis-server started for the demo)' : ''}; one case-hour passes in ${Math.round(3_600_000 / rate / 100) / 10} s`);
  const workers = await composeWorker(
    cf,
    workerSettingsFromEnv({ ...process.env, REDIS_URL: redis.url }, { prefix: `caseflow-demo-${process.pid}`, dispatchIntervalMs: 200 }),
    { logger: silentLogger },
  );
  clock.restart(); // 20:00 is when the workers are ready, however long connecting took
  const printed = new Set<number>();
  const printNew = async (caseIds: Record<string, string>) => {
    for (const [unit, id] of Object.entries(caseIds)) {
      for (const e of await engine.history(id)) {
        if (printed.has(e.id)) continue;
        printed.add(e.id);
        const card = e.kind === 'deadlineStep' ? ` [${(e.payload as { warning?: string }).warning ?? 'notice'} card]` : '';
        const move = e.fromState && e.toState && e.fromState !== e.toState ? `  ${e.fromState} → ${e.toState}` : '';
        log(`  ${shanghai(Date.parse(e.at))}  ${unit.padEnd(9)} ${e.type}${card}${move}  (${e.actor.id})`);
      }
    }
  };
  try {
    const housing = (await engine.createCase({ type: 'rectification', input: { unit: 'Municipal Housing Bureau', report: 'Seeing: stamps take weeks', airedAt: new Date(origin).toISOString() }, actor: people.supervisor })).id;
    const transport = (await engine.createCase({ type: 'rectification', input: { unit: 'Municipal Transport Bureau', report: 'Seeing: bus-stop complaints unanswered', airedAt: new Date(origin).toISOString() }, actor: people.supervisor })).id;
    const ids = { Housing: housing, Transport: transport };
    await engine.applyEvent(housing, { type: 'NOTIFY_UNIT', liaisonId: people.housingLiaison.id }, people.supervisor);
    await engine.applyEvent(transport, { type: 'NOTIFY_UNIT', liaisonId: people.transportLiaison.id }, people.supervisor);
    let housingSubmitted = false;
    const until = origin + 95 * 60_000;
    while (clock.now() < until) {
      if (!housingSubmitted && clock.now() >= origin + 40 * 60_000) {
        await engine.applyEvent(
          housing,
          { type: 'SUBMIT_PLAN', plan: 'Same-day stamps at every window', measures: ['a fast lane', 'a daily backlog report'], completionDueAt: '2026-12-10T18:00:00+08:00' },
          people.housingLiaison,
        );
        housingSubmitted = true;
      }
      await printNew(ids);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await printNew(ids);
    log('\n  Supervisor view at ' + shanghai(clock.now()) + ':');
    for (const o of await cf.supervision.overdue(clock.now())) {
      log(`  overdue: ${o.unit} — ${o.deadlineKind} late by ${Math.round(o.latenessMs / 60_000)} min, card ${o.warning}, escalation level ${o.escalationLevel}`);
    }
    for (const c of await cf.supervision.warningCardCounts({ since: origin - 1, until: clock.now() + 1 })) {
      log(`  cards: ${c.unit} — blue ${c.blue}, yellow ${c.yellow}, red ${c.red}`);
    }
    for (const c of await cf.supervision.cardConsequences({ since: origin - 1, until: clock.now() + 1 })) {
      log(`  consequence: ${c.action} — a supervision action (${c.caseId}), due ${shanghai(Date.parse(c.dueAt))}, ${c.status}`);
    }
    const met = (await engine.getCase(housing)).deadlines.find((d) => d.kind === 'rectificationPlanDue');
    if (met) log(`  met: Municipal Housing Bureau — plan in ${Math.round(-(met.latenessMs ?? 0) / 60_000)} min early`);
    return { file, endedAt: clock.now() };
  } finally {
    await workers.queue.obliterate({ force: true }).catch(() => undefined);
    await workers.close();
    await cf.close();
    await redis.stop();
  }
}

/**
 * Part three (with `serve`): the web app and the API on the demo data — the deadline part's database
 * when Redis was there, else part one's — with a clock that goes on from where the demo stopped, and
 * a sign-in for each demo person. Runs until SIGINT or SIGTERM.
 */
export async function serveDemo(dbFile: string, startAt: number, serve: NonNullable<DemoOptions['serve']>, log: (line: string) => void): Promise<void> {
  const cf = composeCaseflow({ dbFile, clock: new ScaledClock(startAt, 1), identitySeal: demoIdentitySeal(dbFile) });
  let server: Awaited<ReturnType<typeof composeApi>> | null = null;
  try {
    for (const person of Object.values(people)) {
      await cf.accounts.addUser(person.id, person.role);
      await cf.accounts.setPassword(person.id, DEMO_PASSWORD);
    }
    server = await composeApi(cf, { logger: createApiLogger({ level: 'warn' }) });
    const url = await server.listen({ port: serve.port, host: serve.host });
    log(`\nPart 3 — the web app on the demo data (${dbFile}), case time going on from ${shanghai(startAt)}`);
    log(`  open ${url}/ and sign in with password "${DEMO_PASSWORD}" as:`);
    log(`    ${people.supervisor.id.padEnd(10)} supervisor: the overdue board, urge the late unit, open its case`);
    log(`    ${people.transportLiaison.id.padEnd(10)} unit liaison of the late Transport Bureau: send its plan from the case page`);
    log(`    ${people.clerk.id.padEnd(10)} intake clerk: the inbox`);
    log(`  reporters need no sign-in: ${url}/report    API docs: ${url}/docs    stop with Ctrl-C`);
    log(`  or from another terminal, as the supervisor (asks for the password above):`);
    log(`    npx caseflow login --url ${url} --user ${people.supervisor.id}`);
    log(`    npx caseflow list --overdue    npx caseflow history <case id>    npx caseflow logout`);
    const signals = serve.signals ?? process;
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        signals.off('SIGINT', stop);
        signals.off('SIGTERM', stop);
        resolve();
      };
      signals.once('SIGINT', stop);
      signals.once('SIGTERM', stop);
    });
  } finally {
    await server?.close();
    await cf.close();
  }
}

/** Runs both parts of the demo, then (with `serve`) serves the web app on its data. */
export async function runDemo(options: DemoOptions): Promise<void> {
  await walkThreeCases(options.dbFile, options.log);
  const deadlines = await enforceDeadlines(options);
  if (options.serve) await serveDemo(deadlines?.file ?? options.dbFile, deadlines?.endedAt ?? Date.parse(rectificationScript.startsAt), options.serve, options.log);
}
