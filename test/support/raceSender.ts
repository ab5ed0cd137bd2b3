/**
 * A separate process for the race test: waits until a shared start moment, then applies one event
 * with an expected version and prints the outcome as JSON.
 * Usage: tsx raceSender.ts <dbFile> <caseId> <startAtMs> <expectedVersion> <eventJson> <actorJson>
 */
import { closeDatabase, openDatabase } from '../../db';
import type { Actor } from '../../machines/types';
import { systemClock } from '../../src/clock';
import { CaseEngine, type CaseworkerEvent } from '../../src/engine/engine';
import { CaseflowError } from '../../src/errors';
import { defaultCalendar } from '../../src/time';
import { caseDefinitions } from '../../machines';

const [file, caseId, startAt, expected, eventJson, actorJson] = process.argv.slice(2);
const db = openDatabase(file!);
const engine = new CaseEngine({ db, clock: systemClock, calendar: defaultCalendar(), definitions: caseDefinitions });
while (Date.now() < Number(startAt)) {
  // spin until the shared start moment, so both processes write at once
}
try {
  const applied = engine.applyEvent(caseId!, JSON.parse(eventJson!) as CaseworkerEvent, JSON.parse(actorJson!) as Actor, Number(expected));
  process.stdout.write(JSON.stringify({ ok: true, version: applied.case.version }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ok: false, code: error instanceof CaseflowError ? error.code : String(error) }));
} finally {
  closeDatabase(db);
}
