/**
 * 5. Supervisor queries on generated data sets (100k and 1M cases in the full run): overdue cases
 * of one unit, on-time rates per unit over a month (from the on-time rollup, and the scan of closed
 * deadlines it replaced, for comparison), and one page of the case list (all cases, and
 * one unit's). Median and p99 ms, each against the same SQL (captured from caseflow) as a
 * hand-prepared better-sqlite3 statement (the bare baseline), executed alternately on one connection.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { composeCaseflow, type ComposedCaseflow } from '../app/compose';
import { ManualClock } from '../src/clock';
import { officeDayStart, officeUtcOffsetMs } from '../src/engine/onTime';
import { generateSupervisionData, type SupervisionCounts } from './dataset';
import { fmt, median, percentile, progress, seededRandom, ticker, timeAsync, timeSync, type BenchContext, type Figure } from './lib';
import { sqliteClient, UNITS, unitName } from './workload';

const DAY = 86_400_000;

/** One supervisor query as caseflow runs it; `key(i)` names the distinct input of iteration i. */
export interface QueryCase {
  name: string;
  caseflow(i: number): Promise<unknown>;
  key(i: number): string;
}

type Statement = Database.Statement<unknown[]>;

/**
 * The bare side of a query: the very SQL caseflow sent for an input (every statement that returns
 * data; the store's own transaction statements — BEGIN, COMMIT, PRAGMA query_only — are caseflow's
 * cost, not part of the query), with its parameters, captured once per input (outside the timing)
 * and then run as hand-prepared statements.
 */
function bareOf(client: Database.Database, q: QueryCase) {
  const statements = new Map<string, Statement>();
  const captured = new Map<string, { statement: Statement; params: unknown[] }[]>();
  const proto = Object.getPrototypeOf(client.prepare('SELECT 1')) as Record<string, unknown>;
  return {
    /** Captures the SQL and parameters of iteration i's input (not timed). */
    async prepare(i: number): Promise<void> {
      const key = q.key(i);
      if (captured.has(key)) return;
      const seen: { sql: string; params: unknown[] }[] = [];
      const originals = new Map<string, unknown>();
      for (const method of ['all', 'get', 'run', 'iterate']) {
        const original = proto[method] as (this: Statement, ...args: unknown[]) => unknown;
        originals.set(method, original);
        proto[method] = function (this: Statement, ...args: unknown[]) {
          if (this.reader) seen.push({ sql: this.source, params: args });
          return original.apply(this, args);
        };
      }
      try {
        await q.caseflow(i);
      } finally {
        for (const [method, original] of originals) proto[method] = original;
      }
      if (!seen.length) throw new Error(`${q.name}: no SQL seen`);
      captured.set(
        key,
        seen.map(({ sql, params }) => {
          let statement = statements.get(sql);
          if (!statement) statements.set(sql, (statement = client.prepare(sql)));
          return { statement, params };
        }),
      );
    },
    run(i: number): unknown {
      return captured.get(q.key(i))!.map((c) => c.statement.raw().all(...c.params));
    },
    /** How many statements the captured inputs ran (1 for each query so far). */
    statementsPerCall(): number {
      return Math.max(...[...captured.values()].map((c) => c.length));
    },
  };
}

/** Units picked the way supervisors would: every unit, the biggest ones among them. */
function unitPicker(): (i: number) => string {
  const random = seededRandom(7);
  const picks = Array.from({ length: 1000 }, (_, k) => unitName(k % 10 === 0 ? 0 : Math.floor(random() * UNITS)));
  return (i) => picks[i % picks.length]!;
}

function queryCases(cf: ComposedCaseflow, now: number): QueryCase[] {
  const unitOf = unitPicker();
  // a month of whole office days, as the ledger reads it (the rollup's days; a partial day would add a scan of it)
  const monthEnding = (i: number) => ({ since: officeDayStart(now - (i % 60) * DAY - 30 * DAY), until: officeDayStart(now - (i % 60) * DAY) });
  return [
    { name: 'overdue cases of one unit (supervision.overdue)', caseflow: (i) => cf.supervision.overdue(now, { unit: unitOf(i) }), key: unitOf },
    { name: 'on-time rate per unit, one month (supervision.onTimeRates)', caseflow: (i) => cf.supervision.onTimeRates(monthEnding(i)), key: (i) => String(i % 60) },
    {
      name: 'on-time rate per unit, one month, scanning closed deadlines (the query the rollup replaced)',
      caseflow: (i) => cf.store.read((tx) => tx.supervision.closedDeadlineCounts(monthEnding(i), {})),
      key: (i) => String(i % 60),
    },
    { name: 'case list, first page (engine.listCases)', caseflow: () => cf.engine.listCases({}), key: () => 'all' },
    { name: 'case list of one unit, first page (engine.listCases)', caseflow: (i) => cf.engine.listCases({ unit: unitOf(i) }), key: unitOf },
  ];
}

/** Runs both sides alternately `iterations` times, or fewer (at least 5) once `budgetMs` is spent. */
export async function measure(client: Database.Database, q: QueryCase, iterations: number, budgetMs: number): Promise<{ cf: number[]; bare: number[]; statements: number }> {
  const bareQuery = bareOf(client, q);
  for (let i = 0; i < 2; i++) {
    await bareQuery.prepare(i);
    await q.caseflow(i);
    bareQuery.run(i);
  }
  const cf: number[] = [];
  const bare: number[] = [];
  const until = Date.now() + budgetMs;
  for (let i = 0; i < iterations && (i < 5 || Date.now() < until); i++) {
    await bareQuery.prepare(i);
    if (i % 2) {
      bare.push(timeSync(() => bareQuery.run(i)));
      cf.push(await timeAsync(() => q.caseflow(i)));
    } else {
      cf.push(await timeAsync(() => q.caseflow(i)));
      bare.push(timeSync(() => bareQuery.run(i)));
    }
  }
  return { cf, bare, statements: bareQuery.statementsPerCall() };
}

export async function benchQueries(ctx: BenchContext): Promise<Figure[]> {
  const sizes = ctx.quick ? [10_000, 100_000] : [100_000, 1_000_000];
  const iterations = ctx.quick ? 30 : 100;
  const figures: Figure[] = [];
  for (const size of sizes) {
    const dir = ctx.tempDir('queries');
    const file = path.join(dir, 'supervision.sqlite');
    const now = Date.parse('2026-11-25T12:00:00Z');
    const caseflow = composeCaseflow({ dbFile: file, clock: new ManualClock(now) });
    const client = sqliteClient(caseflow.store);
    try {
      progress(`5 queries: generating ${size.toLocaleString('en-US')} cases`);
      let counts: SupervisionCounts | undefined;
      const genMs = timeSync(() => {
        counts = generateSupervisionData(client, size, now, ticker(`5 queries: generating`, size, 5000));
      });
      // the on-time rollup of the generated closed deadlines, as the migration's backfill writes it
      await caseflow.store.withTransaction((tx) => tx.onTime.rebuild(officeUtcOffsetMs(now)));
      client.pragma('wal_checkpoint(TRUNCATE)');
      const mb = fs.statSync(file).size / 2 ** 20;
      const sizeText = size >= 1e6 ? `${size / 1e6}M` : `${size / 1e3}k`;
      progress(`5 queries: ${size.toLocaleString('en-US')} cases generated in ${(genMs / 1000).toFixed(1)} s (${Math.round(mb)} MiB): ${JSON.stringify(counts)}`);
      const record = async (q: QueryCase, label: string, extra: Record<string, unknown> = {}) => {
        const { cf, bare, statements } = await measure(client, q, iterations, ctx.quick ? 4000 : 20_000);
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
          detail: { cases: size, iterations: cf.length, median: median(cf), bareMedian: median(bare), dataset: counts, databaseMiB: Math.round(mb), generateMs: Math.round(genMs), statementsPerCall: statements, ...extra },
        });
      };
      const queries = queryCases(caseflow, now);
      for (const q of queries) await record(q, q.name);
    } finally {
      await caseflow.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  return figures;
}
