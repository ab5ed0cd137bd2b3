/**
 * How fast `audit verify --all` checks the case log: a SQLite file (or, with DATABASE_URL, a
 * PostgreSQL database) filled with sealed entries through the store port, then verified and timed.
 * In `npm run bench` (`--only=audit`) beside a bare check of the same rows; alone:
 * `npx tsx bench/auditVerify.ts [events, default 200000]`. Target: at least 100,000 events/s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { EMPTY_HEAD, sealEntry } from '../db/chain';
import type { CaseRecord, ChainHead, NewCaseEvent, Store } from '../db/port';
import { openPostgresStore } from '../db/postgres';
import { openSqliteStore } from '../db/sqlite';
import { systemClock } from '../src/clock';
import { CaseLogAudit } from '../src/engine/audit';
import { median, pairedRatio, progress, timeAsync, timeSync, type BenchContext, type Figure } from './lib';

const PER_CASE = 10;
const T0 = Date.parse('2026-11-25T12:00:00Z');

const aCase = (id: string): CaseRecord => ({
  id,
  type: 'rectification',
  machineVersion: 1,
  state: 'planDue',
  status: 'open',
  snapshot: '{}',
  version: PER_CASE,
  unit: 'Municipal Housing Bureau',
  assignee: 'zhou.min',
  subjectId: null,
  timeZone: 'Asia/Shanghai',
  createdBy: 'li.wei',
  createdAt: T0,
  updatedAt: T0,
  closedAt: null,
});

async function fill(store: Store, events: number): Promise<void> {
  const cases = Math.ceil(events / PER_CASE);
  for (let batch = 0; batch < cases; batch += 1000) {
    await store.withTransaction(async (tx) => {
      for (let c = batch; c < Math.min(cases, batch + 1000); c++) {
        const id = `RC-BENCH-${String(c).padStart(7, '0')}`;
        await tx.cases.insert(aCase(id));
        let head: ChainHead = EMPTY_HEAD;
        for (let v = 1; v <= PER_CASE; v++) {
          const entry: NewCaseEvent = {
            caseId: id,
            version: v,
            kind: 'transition',
            type: 'SUBMIT_PLAN',
            actorId: 'zhou.min',
            actorRole: 'unitLiaison',
            at: T0 + v * 60_000,
            payload: JSON.stringify({ plan: 'Same-day stamps', measures: ['a fast lane', 'a second window'], completionDueAt: '2026-12-10T18:00:00+08:00' }),
            fromState: 'planDue',
            toState: 'planReview',
          };
          // sealed as the writer seals (src/engine/writer.ts)
          const sealed = sealEntry(head, entry);
          await tx.events.append(sealed);
          head = { seq: sealed.seq, hash: sealed.hash };
        }
        await tx.cases.moveChainHead(id, EMPTY_HEAD, head);
      }
    });
  }
}

/** The bare check: every row read with one prepared statement, its hash recomputed by hand from its columns, its link and its case's head compared; answers the rows checked. */
function bareVerify(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    const heads = new Map((db.prepare('SELECT id, chain_seq AS seq, chain_head AS hash FROM cases').all() as { id: string; seq: number; hash: string }[]).map((h) => [h.id, h]));
    const rows = db.prepare(
      'SELECT case_id, version, kind, type, actor_id, actor_role, at, payload, from_state, to_state, seq, prev_hash, hash FROM case_events ORDER BY case_id, id',
    );
    const str = JSON.stringify;
    let checked = 0;
    let current = '';
    let previous = '';
    const closeCase = () => {
      if (current && heads.get(current)?.hash !== previous) throw new Error(`bare check: head of ${current} differs`);
    };
    for (const r of rows.iterate() as IterableIterator<Record<string, string | number>>) {
      if (r.case_id !== current) {
        closeCase();
        current = r.case_id as string;
        previous = '0'.repeat(64);
      }
      const canonical =
        `{"actorId":${str(r.actor_id)},"actorRole":${str(r.actor_role)},"at":${str(r.at)},"caseId":${str(r.case_id)},"fromState":${str(r.from_state)},` +
        `"kind":${str(r.kind)},"payload":${r.payload},"seq":${str(r.seq)},"toState":${str(r.to_state)},"type":${str(r.type)},"version":${str(r.version)}}`;
      if (r.prev_hash !== previous || hash('sha256', `caseflow/case-event/v1\u0000${previous}${canonical}`, 'hex') !== r.hash) throw new Error(`bare check: row ${checked} breaks`);
      previous = r.hash;
      checked += 1;
    }
    closeCase();
    return checked;
  } finally {
    db.close();
  }
}

/** 8. `audit verify --all` events per second on a SQLite file, against the bare check of the same rows, the two alternating. */
export async function benchAudit(ctx: BenchContext): Promise<Figure[]> {
  const events = ctx.quick ? 50_000 : 200_000;
  const runs = ctx.quick ? 3 : 5;
  const file = path.join(ctx.tempDir('audit'), 'audit.sqlite');
  const store = openSqliteStore(file);
  try {
    await fill(store, events);
    progress(`audit verify: ${events} sealed entries of ${events / PER_CASE} cases`);
    const audit = new CaseLogAudit({ store, clock: systemClock });
    const ours: number[] = [];
    const bare: number[] = [];
    for (let run = 0; run < runs; run++) {
      const ms = await timeAsync(async () => {
        const report = await audit.verifyAll();
        if (!report.ok || report.events !== events) throw new Error(`verification failed: ${JSON.stringify(report.breaks[0])}`);
      });
      ours.push((events / ms) * 1000);
      let checked = 0;
      const bareMs = timeSync(() => void (checked = bareVerify(file)));
      bare.push((checked / bareMs) * 1000);
    }
    return [
      {
        group: '8 audit',
        name: 'audit verify --all, sealed entries checked (SQLite file)',
        unit: 'events/s',
        caseflow: Math.round(median(ours)),
        bare: Math.round(median(bare)),
        bareLabel: 'one prepared scan, each hash recomputed by hand',
        target: { kind: 'atLeast', min: 100_000 },
        pairedRatio: pairedRatio(ours, bare),
        runs: ours.map(Math.round),
        bareRuns: bare.map(Math.round),
        detail: { events, cases: events / PER_CASE },
      },
    ];
  } finally {
    await store.close();
  }
}

/** Standalone: `npx tsx bench/auditVerify.ts [events]`, on SQLite or, with DATABASE_URL, PostgreSQL. */
async function main(): Promise<void> {
  const events = Number(process.argv[2] ?? 200_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-audit-bench-'));
  const url = process.env.DATABASE_URL;
  const store = url ? await openPostgresStore(url) : openSqliteStore(path.join(dir, 'audit.sqlite'));
  try {
    await fill(store, events);
    const audit = new CaseLogAudit({ store, clock: systemClock });
    const started = performance.now();
    const report = await audit.verifyAll();
    const seconds = (performance.now() - started) / 1000;
    if (!report.ok) throw new Error(`verification failed: ${JSON.stringify(report.breaks[0])}`);
    process.stdout.write(`${store.dialect}: verified ${report.events} events of ${report.cases} cases in ${seconds.toFixed(2)} s = ${Math.round(report.events / seconds)} events/s\n`);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
