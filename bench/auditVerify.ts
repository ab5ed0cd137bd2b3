/**
 * How fast `audit verify --all` checks the case log: a SQLite file (or, with DATABASE_URL, a
 * PostgreSQL database) filled with sealed entries through the store port, then verified and timed.
 * Run: `npx tsx bench/auditVerify.ts [events, default 200000]`. Target: at least 100,000 events/s.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EMPTY_HEAD, sealEntry } from '../db/chain';
import type { CaseRecord, ChainHead, NewCaseEvent, Store } from '../db/port';
import { openPostgresStore } from '../db/postgres';
import { openSqliteStore } from '../db/sqlite';
import { systemClock } from '../src/clock';
import { CaseLogAudit } from '../src/engine/audit';

const EVENTS = Number(process.argv[2] ?? 200_000);
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

async function fill(store: Store): Promise<void> {
  const cases = Math.ceil(EVENTS / PER_CASE);
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

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-audit-bench-'));
  const url = process.env.DATABASE_URL;
  const store = url ? await openPostgresStore(url) : openSqliteStore(path.join(dir, 'audit.sqlite'));
  try {
    await fill(store);
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

void main();
