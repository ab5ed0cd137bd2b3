/**
 * A separate process for the race test: opens the database, says "ready", waits for the start
 * moment the test sends on stdin (the same for both processes), then applies one event with an
 * expected version and prints the outcome as JSON.
 * Usage: tsx raceSender.ts <dbFileOrUrl> <caseId> <expectedVersion> <eventJson> <actorJson> <caseTimeMs>
 * (a postgres:// URL opens PostgreSQL, anything else is a SQLite file)
 * (case time is the test's clock, so both processes act at the same moment of the case's life)
 */
import { openCaseflow, type ComposedCaseflow } from '../../app/compose';
import type { Actor } from '../../machines/types';
import { ManualClock } from '../../src/clock';
import type { CaseworkerEvent } from '../../src/engine/engine';
import { CaseflowError } from '../../src/errors';

const [database, caseId, expected, eventJson, actorJson, caseTime] = process.argv.slice(2);

async function main(): Promise<void> {
  const where = /^postgres(ql)?:\/\//.test(database!) ? { databaseUrl: database! } : { dbFile: database! };
  const cf = await openCaseflow({ ...where, clock: new ManualClock(Number(caseTime)) });
  process.stdout.write('ready\n');
  process.stdin.once('data', (chunk: Buffer) => {
    const startAt = Number(chunk.toString().trim());
    while (Date.now() < startAt) {
      // spin until the shared start moment, so both processes write at once
    }
    void race(cf).finally(() => process.stdin.destroy());
  });
}

async function race(cf: ComposedCaseflow): Promise<void> {
  try {
    const applied = await cf.engine.applyEvent(caseId!, JSON.parse(eventJson!) as CaseworkerEvent, JSON.parse(actorJson!) as Actor, Number(expected));
    process.stdout.write(JSON.stringify({ ok: true, version: applied.case.version }));
  } catch (error) {
    process.stdout.write(JSON.stringify({ ok: false, code: error instanceof CaseflowError ? error.code : String(error) }));
  } finally {
    await cf.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
