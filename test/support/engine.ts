/**
 * Test fixtures: caseflow on its own SQLite file in a temporary folder, with a manual clock,
 * built by the same composition root as production.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeCaseflow, type CaseflowOptions, type ComposedCaseflow } from '../../app/compose';
import type { Store } from '../../db/port';
import { openSqliteStore } from '../../db/sqlite';
import type { Actor } from '../../machines/types';
import { ManualClock } from '../../src/clock';
import type { CaseEngine } from '../../src/engine/engine';

export interface EngineFixture {
  cf: ComposedCaseflow;
  engine: CaseEngine;
  store: Store;
  clock: ManualClock;
  file: string;
  /** Another caseflow on the same file, as a second process would have (its own connection). */
  openAnother(options?: Partial<CaseflowOptions>): ComposedCaseflow;
  /** Everything stored, table by table: to prove a refused request changed nothing. */
  dump(): Promise<Record<string, unknown[]>>;
  cleanup(): Promise<void>;
}

/** 2026-11-25 20:00 in Shanghai: the evening a criticism report is aired. */
export const AIRED_AT = '2026-11-25T20:00:00+08:00';

/** Builds caseflow on a fresh database file; call `cleanup()` afterwards. */
export function engineFixture(options: Partial<CaseflowOptions> = {}, start: string = AIRED_AT): EngineFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-test-'));
  const file = path.join(dir, 'caseflow.sqlite');
  const clock = new ManualClock(Date.parse(start));
  const opened: ComposedCaseflow[] = [];
  const build = (extra: Partial<CaseflowOptions>) => {
    const cf = composeCaseflow({ clock, ...options, ...extra, store: openSqliteStore(file) });
    opened.push(cf);
    return cf;
  };
  const cf = build({});
  return {
    cf,
    engine: cf.engine,
    store: cf.store,
    clock,
    file,
    openAnother: (extra = {}) => build(extra),
    dump: () => cf.store.dumpAll(),
    cleanup: async () => {
      for (const other of opened) await other.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const supervisor: Actor = { id: 'li.wei', role: 'supervisor' };
export const liaison: Actor = { id: 'zhou.min', role: 'unitLiaison' };
export const clerk: Actor = { id: 'wang.fang', role: 'intakeClerk' };
export const worker: Actor = { id: 'deadline-worker', role: 'system' };

/** A rectification input: "Seeing" criticized the housing bureau at 20:00. */
export const criticism = (unit = 'Municipal Housing Bureau', airedAt = AIRED_AT) => ({
  unit,
  report: 'Seeing: applicants wait weeks for a stamp',
  airedAt,
});
