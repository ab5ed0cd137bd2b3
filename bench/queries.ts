/**
 * 5. Supervisor queries on generated data sets (100k and 1M cases in the full run): overdue cases
 * of one unit, on-time rates per unit over a month, and one page of the case list (all cases, and
 * one unit's). Median and p99 ms, each against the same SQL (captured from caseflow) as a
 * hand-prepared better-sqlite3 statement (the bare baseline), executed alternately on one connection.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { closeDatabase, openDatabase, type CaseflowDb } from '../db';
import { caseDefinitions } from '../machines';
import { ManualClock } from '../src/clock';
import { CaseEngine } from '../src/engine/engine';
import { onTimeRates, overdueCases } from '../src/supervision';
import { defaultCalendar } from '../src/time';
import { generateSupervisionData, type SupervisionCounts } from './dataset';
import { fmt, median, percentile, progress, seededRandom, ticker, timeSync, type BenchContext, type Figure } from './lib';
import { UNITS, unitName } from './workload';

const DAY = 86_400_000;

/** One supervisor query as caseflow runs it; `key(i)` names the distinct input of iteration i. */
interface QueryCase {
  name: string;
  caseflow(i: number): unknown;
  key(i: number): string;
}

type Statement = Database.Statement<unknown[]>;

/**
 * The bare side of a query: the very SQL caseflow sent for an input, with its parameters, captured
 * once per input (outside the timing) and then run as a hand-prepared statement.
 */
function bareOf(client: Database.Database, q: QueryCase) {
  const statements = new Map<string, Statement>();
  const captured = new Map<string, { statement: Statement; params: unknown[] }>();
  const proto = Object.getPrototypeOf(client.prepare('SELECT 1')) as Record<string, unknown>;
  return {
    /** Captures the SQL and parameters of iteration i's input (not timed). */
    prepare(i: number): void {
      const key = q.key(i);
      if (captured.has(key)) return;
      let seen: { sql: string; params: unknown[] } | undefined;
      const originals = new Map<string, unknown>();
      for (const method of ['all', 'get', 'run', 'iterate']) {
        const original = proto[method] as (this: Statement, ...args: unknown[]) => unknown;
        originals.set(method, original);
        proto[method] = function (this: Statement, ...args: unknown[]) {
          seen = { sql: this.source, params: args };
          return original.apply(this, args);
        };
      }
      try {
        q.caseflow(i);
      } finally {
        for (const [method, original] of originals) proto[method] = original;
      }
      if (!seen) throw new Error(`${q.name}: no SQL seen`);
      let statement = statements.get(seen.sql);
      if (!statement) statements.set(seen.sql, (statement = client.prepare(seen.sql)));
      captured.set(key, { statement, params: seen.params });
    },
    run(i: number): unknown {
      const c = captured.get(q.key(i))!;
      return c.statement.raw().all(...c.params);
    },
  };
}

/** Units picked the way supervisors would: every unit, the biggest ones among them. */
function unitPicker(): (i: number) => string {
  const random = seededRandom(7);
  const picks = Array.from({ length: 1000 }, (_, k) => unitName(k % 10 === 0 ? 0 : Math.floor(random() * UNITS)));
  return (i) => picks[i % picks.length]!;
}

function queryCases(db: CaseflowDb, now: number): QueryCase[] {
  const engine = new CaseEngine({ db, clock: new ManualClock(now), calendar: defaultCalendar(), definitions: caseDefinitions });
  const unitOf = unitPicker();
  const monthEnding = (i: number) => ({ since: now - (i % 60) * DAY - 30 * DAY, until: now - (i % 60) * DAY });
  return [
    { name: 'overdue cases of one unit (supervision.overdueCases)', caseflow: (i) => overdueCases(db, now, { unit: unitOf(i) }), key: unitOf },
    { name: 'on-time rate per unit, one month (supervision.onTimeRates)', caseflow: (i) => onTimeRates(db, monthEnding(i)), key: (i) => String(i % 60) },
    { name: 'case list, first page (engine.listCases)', caseflow: () => engine.listCases({}), key: () => 'all' },
    { name: 'case list of one unit, first page (engine.listCases)', caseflow: (i) => engine.listCases({ unit: unitOf(i) }), key: unitOf },
  ];
}

/** Runs both sides alternately `iterations` times, or fewer (at least 5) once `budgetMs` is spent. */
function measure(client: Database.Database, q: QueryCase, iterations: number, budgetMs: number): { cf: number[]; bare: number[] } {
  const bareQuery = bareOf(client, q);
  for (let i = 0; i < 2; i++) {
    bareQuery.prepare(i);
    q.caseflow(i);
    bareQuery.run(i);
  }
  const cf: number[] = [];
  const bare: number[] = [];
  const until = Date.now() + budgetMs;
  for (let i = 0; i < iterations && (i < 5 || Date.now() < until); i++) {
    bareQuery.prepare(i);
    if (i % 2) {
      bare.push(timeSync(() => bareQuery.run(i)));
      cf.push(timeSync(() => q.caseflow(i)));
    } else {
      cf.push(timeSync(() => q.caseflow(i)));
      bare.push(timeSync(() => bareQuery.run(i)));
    }
  }
  return { cf, bare };
}

export function benchQueries(ctx: BenchContext): Figure[] {
  const sizes = ctx.quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const iterations = ctx.quick ? 30 : 100;
  const figures: Figure[] = [];
  for (const size of sizes) {
    const dir = ctx.tempDir('queries');
    const file = path.join(dir, 'supervision.sqlite');
    const db = openDatabase(file);
    try {
      const now = Date.parse('2026-11-25T12:00:00Z');
      progress(`5 queries: generating ${size.toLocaleString('en-US')} cases`);
      let counts: SupervisionCounts | undefined;
      const genMs = timeSync(() => {
        counts = generateSupervisionData(db.$client, size, now, ticker(`5 queries: generating`, size, 5000));
      });
      db.$client.pragma('wal_checkpoint(TRUNCATE)');
      const mb = fs.statSync(file).size / 2 ** 20;
      const sizeText = size >= 1e6 ? `${size / 1e6}M` : `${size / 1e3}k`;
      progress(`5 queries: ${size.toLocaleString('en-US')} cases generated in ${(genMs / 1000).toFixed(1)} s (${Math.round(mb)} MiB): ${JSON.stringify(counts)}`);
      const record = (q: QueryCase, label: string, extra: Record<string, unknown> = {}) => {
        const { cf, bare } = measure(db.$client, q, iterations, ctx.quick ? 4000 : 20_000);
        const p99 = percentile(cf, 99);
        const bareP99 = percentile(bare, 99);
        progress(`5 queries ${sizeText}: ${label} (${cf.length} runs): median ${median(cf).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (bare median ${median(bare).toFixed(2)}, p99 ${bareP99.toFixed(2)})`);
        figures.push({
          group: '5',
          name: `${label}, ${sizeText} cases: p99 (median)`,
          unit: 'ms',
          caseflow: p99,
          bare: bareP99,
          bareLabel: 'same SQL, prepared',
          target: { kind: 'atMost', max: 50 },
          display: { caseflow: `${fmt(p99, 'ms')} (${fmt(median(cf))})`, bare: `${fmt(bareP99, 'ms')} (${fmt(median(bare))})` },
          runs: cf,
          bareRuns: bare,
          detail: { cases: size, iterations: cf.length, median: median(cf), bareMedian: median(bare), dataset: counts, databaseMiB: Math.round(mb), generateMs: Math.round(genMs), ...extra },
        });
      };
      const queries = queryCases(db, now);
      for (const q of queries) record(q, q.name);
    } finally {
      closeDatabase(db);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return figures;
}
