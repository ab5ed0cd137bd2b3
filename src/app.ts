/**
 * The composition root: builds an engine with its database, clock and calendar, with working
 * defaults at the edge (CLI, server, worker start-up) and nothing as a module-level singleton.
 */
import { closeDatabase, openDatabase, resolveDbFile, type CaseflowDb } from '../db';
import { caseDefinitions } from '../machines';
import { CaseEngine, type EngineOptions } from './engine/engine';
import { systemClock, type Clock } from './clock';
import { defaultCalendar, type WorkingDayCalendar } from './time';

export interface CaseflowOptions {
  /** SQLite file. @defaultValue `CASEFLOW_DB`, else data/caseflow.sqlite */
  dbFile?: string;
  clock?: Clock;
  calendar?: WorkingDayCalendar;
  onDeadlinesChanged?: EngineOptions['onDeadlinesChanged'];
}

export interface Caseflow {
  db: CaseflowDb;
  engine: CaseEngine;
  dbFile: string;
  close(): void;
}

/** Opens the database (migrating it) and builds an engine on it. */
export function openCaseflow(options: CaseflowOptions = {}): Caseflow {
  const dbFile = resolveDbFile(options.dbFile);
  const db = openDatabase(dbFile);
  const engine = new CaseEngine({
    db,
    definitions: caseDefinitions,
    clock: options.clock ?? systemClock,
    calendar: options.calendar ?? defaultCalendar(),
    ...(options.onDeadlinesChanged ? { onDeadlinesChanged: options.onDeadlinesChanged } : {}),
  });
  return { db, engine, dbFile, close: () => closeDatabase(db) };
}
