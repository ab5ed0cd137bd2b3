/**
 * Test fixtures: an engine on its own SQLite file in a temporary folder, with a manual clock.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDatabase, openDatabase, type CaseflowDb } from '../../db';
import type { Actor } from '../../machines/types';
import { ManualClock } from '../../src/clock';
import { CaseEngine, type EngineOptions } from '../../src/engine/engine';
import { defaultCalendar } from '../../src/time';
import { caseDefinitions } from '../../machines';

export interface EngineFixture {
  engine: CaseEngine;
  db: CaseflowDb;
  clock: ManualClock;
  file: string;
  /** Another engine on the same file, as a second process would have. */
  openAnother(options?: Partial<EngineOptions>): { engine: CaseEngine; db: CaseflowDb };
  cleanup(): void;
}

/** 2026-11-25 20:00 in Shanghai: the evening a criticism report is aired. */
export const AIRED_AT = '2026-11-25T20:00:00+08:00';

/** Builds an engine on a fresh database file; call `cleanup()` afterwards. */
export function engineFixture(options: Partial<EngineOptions> = {}, start: string = AIRED_AT): EngineFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-test-'));
  const file = path.join(dir, 'caseflow.sqlite');
  const clock = new ManualClock(Date.parse(start));
  const handles: CaseflowDb[] = [];
  const build = (extra: Partial<EngineOptions>) => {
    const db = openDatabase(file);
    handles.push(db);
    return { db, engine: new CaseEngine({ db, clock, calendar: defaultCalendar(), definitions: caseDefinitions, ...extra }) };
  };
  const first = build(options);
  return {
    ...first,
    clock,
    file,
    openAnother: (extra = {}) => build({ ...options, ...extra }),
    cleanup: () => {
      for (const db of handles) if (db.$client.open) closeDatabase(db);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const supervisor: Actor = { id: 'li.wei', role: 'supervisor' };
export const liaison: Actor = { id: 'zhou.min', role: 'unitLiaison' };
export const clerk: Actor = { id: 'wang.fang', role: 'intakeClerk' };
export const worker: Actor = { id: 'deadline-worker', role: 'system' };

/** Everything stored, table by table: to prove a refused request changed nothing. */
export function dumpDatabase(db: CaseflowDb): Record<string, unknown[]> {
  const tables = db.$client
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__drizzle%' ORDER BY name")
    .all() as { name: string }[];
  return Object.fromEntries(tables.map(({ name }) => [name, db.$client.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
}

/** A rectification input: "Seeing" criticized the housing bureau at 20:00. */
export const criticism = (unit = 'Municipal Housing Bureau', airedAt = AIRED_AT) => ({
  unit,
  report: 'Seeing: applicants wait weeks for a stamp',
  airedAt,
});
