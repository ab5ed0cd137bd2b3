/**
 * The store contract: what every adapter of the storage port must do, written once against the port
 * and run by one file per dialect (test/db/sqlite.test.ts, later test/db/postgres.test.ts), in the
 * manner of drizzle's integration-tests/tests/sqlite/sqlite-common.ts.
 *
 * Only the port is used here: no SQL, no driver, no table names. Each test opens its own store and
 * writes the few rows it reads.
 */
import type {
  CardConsequenceRecord,
  CaseEventRecord,
  CaseRecord,
  CalendarYearRecord,
  DeadlineRecord,
  DeadlineScheduleChange,
  NewCaseEvent,
  NewNotification,
  NewWarningCard,
  SealedCaseEvent,
  Store,
  Tx,
} from '../../db/port';
import { EMPTY_HEAD, GENESIS, nextLink } from '../../db/chain';
import { closedDeadlines } from '../../src/engine/deadlinePlans';
import { officeDayStart, officeUtcOffsetMs, onTimeTallies } from '../../src/engine/onTime';
import { emptyPlan } from '../../src/engine/plan';
import { SupervisionReports } from '../../src/engine/supervision';
import { writePlan } from '../../src/engine/writer';

/** A seeded generator of numbers in [0, 1) (mulberry32), so a failing mix can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface StoreUnderTest {
  store: Store;
  /** Closes the store and removes whatever it stored. */
  cleanup(): Promise<void>;
}

export interface StoreContractOptions {
  /** Titles of tests this adapter does not run yet (each must name a test of the contract). */
  skip?: string[];
}

// ---------------------------------------------------------------------------------------------
// Time and builders
// ---------------------------------------------------------------------------------------------

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 2026-11-25 20:00 in Shanghai: the evening a criticism report is aired. */
const T0 = Date.parse('2026-11-25T20:00:00+08:00');

/** A sealed identity row as a store keeps it (opaque values: a store never opens them). */
const sealedRow = (caseId: string, keyId: string) => ({
  caseId,
  name: null,
  contact: null,
  keyId,
  wrappedKey: `wrapped-${caseId}-${keyId}`,
  sealedFields: '{"name":"c2VhbGVk"}',
  createdAt: T0,
});

/** A valid open rectification case; override what the test is about. */
export function aCase(overrides: Partial<CaseRecord> = {}): CaseRecord {
  const state = overrides.state ?? 'planDue';
  return {
    id: 'case-1',
    type: 'rectification',
    machineVersion: 1,
    state,
    status: 'open',
    snapshot: JSON.stringify({ status: 'active', value: state, context: {} }),
    version: 1,
    unit: 'Water Bureau',
    assignee: 'zhou.min',
    subjectId: null,
    timeZone: 'Asia/Shanghai',
    createdBy: 'li.wei',
    createdAt: T0,
    updatedAt: T0,
    closedAt: null,
    ...overrides,
  };
}

/** A valid running deadline of `owner` (which must be stored first: the deadline refers to it). */
export function aDeadline(owner: CaseRecord, overrides: Partial<DeadlineRecord> = {}): DeadlineRecord {
  const kind = overrides.kind ?? 'planDue';
  const dueAt = overrides.dueAt ?? T0 + 14 * DAY;
  return {
    id: `${owner.id}~${kind}~${owner.version}`,
    caseId: owner.id,
    caseType: owner.type,
    unit: owner.unit,
    kind,
    owner: 'unit',
    stateId: owner.state,
    basis: 'Rectification rules art. 12: a plan within 10 working days',
    timeZone: owner.timeZone,
    spec: JSON.stringify({ kind, limit: { kind: 'workingDays', days: 10 }, ladder: [] }),
    baseAt: T0,
    originalDueAt: dueAt,
    dueAt,
    status: 'pending',
    running: true,
    period: false,
    warning: 'none',
    escalationLevel: 0,
    nextStep: 0,
    nextFireAt: dueAt - DAY,
    scheduleRev: 1,
    dispatchedRev: null,
    dispatchLeaseUntil: null,
    suspendedAt: null,
    closedAt: null,
    latenessMs: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** The fields of a deadline closed at `at`: not running, no wake-up, with its outcome. */
function closedAt(at: number, status: 'met' | 'overdue' | 'cancelled' = 'met', latenessMs = 0): Partial<DeadlineRecord> {
  return { running: false, status, closedAt: at, latenessMs, nextFireAt: null };
}

/** The schedule change of a ladder step firing on `row`: the next revision, the next wake-up. */
function stepFired(row: DeadlineRecord, overrides: Partial<DeadlineScheduleChange> = {}): DeadlineScheduleChange {
  return {
    dueAt: row.dueAt,
    suspendedAt: row.suspendedAt,
    nextStep: row.nextStep + 1,
    nextFireAt: row.dueAt,
    status: row.status,
    warning: 'blue',
    escalationLevel: row.escalationLevel,
    scheduleRev: row.scheduleRev + 1,
    updatedAt: row.updatedAt + HOUR,
    ...overrides,
  };
}

/** A log entry of `owner`, sealed as the first of its chain (unless `overrides` say otherwise). */
function anEvent(owner: CaseRecord, overrides: Partial<SealedCaseEvent> = {}): SealedCaseEvent {
  const entry: NewCaseEvent = {
    caseId: owner.id,
    version: owner.version,
    kind: 'transition',
    type: 'SUBMIT_PLAN',
    actorId: 'zhou.min',
    actorRole: 'unitLiaison',
    at: owner.updatedAt,
    payload: JSON.stringify({ plan: 'fix the pipes' }),
    fromState: 'planDue',
    toState: 'planReview',
    ...overrides,
  };
  return { ...entry, ...nextLink(EMPTY_HEAD, entry), ...overrides };
}

/** A notice a ladder step of `deadline` queued for `recipient`. */
function aNotice(deadline: DeadlineRecord, overrides: Partial<NewNotification> = {}): NewNotification {
  return {
    caseId: deadline.caseId,
    deadlineId: deadline.id,
    step: 'overdue',
    recipient: 'zhou.min',
    warning: 'yellow',
    subject: `[yellow] ${deadline.kind} of case ${deadline.caseId}: overdue`,
    body: `${deadline.basis}.`,
    createdAt: T0,
    ...overrides,
  };
}

/** A warning card a ladder step of `deadline` issued. */
function aCard(deadline: DeadlineRecord, overrides: Partial<NewWarningCard> = {}): NewWarningCard {
  return { deadlineId: deadline.id, caseId: deadline.caseId, unit: deadline.unit, warning: 'yellow', step: 'overdue', issuedAt: T0, ...overrides };
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Of racing guarded writes, how many won and how many lost. */
function tally(results: readonly boolean[]): { won: number; lost: number } {
  return { won: results.filter((r) => r).length, lost: results.filter((r) => !r).length };
}

/** Every row of every table, counted. */
async function rowCount(store: Store): Promise<number> {
  return Object.values(await store.dumpAll()).reduce((sum, rows) => sum + rows.length, 0);
}

// ---------------------------------------------------------------------------------------------
// The contract
// ---------------------------------------------------------------------------------------------

/** Registers `store contract: <name>`: every test runs on a fresh store from `makeStore`. */
export function storeContract(name: string, makeStore: () => Promise<StoreUnderTest>, options: StoreContractOptions = {}): void {
  const skipped = new Set(options.skip ?? []);
  const titles = new Set<string>();
  /** `it`, unless the adapter skips this title. */
  const test = (title: string, fn: () => Promise<void>) => {
    if (titles.has(title)) throw new Error(`store contract: two tests are called "${title}"`);
    titles.add(title);
    (skipped.has(title) ? it.skip : it)(title, fn);
  };

  describe(`store contract: ${name}`, () => {
    let opened: StoreUnderTest | undefined;
    let store: Store;
    beforeEach(async () => {
      opened = await makeStore();
      store = opened.store;
    });
    afterEach(async () => {
      await opened?.cleanup();
      opened = undefined;
    });

    /** Writes rows in one transaction of their own. */
    const given = <T>(fn: (tx: Tx) => Promise<T>) => store.withTransaction(fn);
    const givenCase = async (overrides: Partial<CaseRecord> = {}) => {
      const row = aCase(overrides);
      await given((tx) => tx.cases.insert(row));
      return row;
    };
    const givenDeadline = async (owner: CaseRecord, overrides: Partial<DeadlineRecord> = {}) => {
      const row = aDeadline(owner, overrides);
      await given((tx) => tx.deadlines.insert(row));
      return row;
    };
    const caseNow = (id: string) => store.read((tx) => tx.cases.byId(id));
    const deadlineNow = (id: string) => store.read((tx) => tx.deadlines.byId(id));

    describe('transactions are atomic', () => {
      test('withTransaction commits what its function wrote and resolves with its result', async () => {
        const row = aCase();
        const result = await store.withTransaction(async (tx) => {
          await tx.cases.insert(row);
          return tx.events.append(anEvent(row, { kind: 'created', type: 'CREATE', fromState: null, toState: 'planDue' }));
        });
        expect(typeof result).toBe('number');
        expect(await caseNow(row.id)).toEqual(row);
        expect(await store.read((tx) => tx.events.ofCase(row.id))).toEqual([expect.objectContaining({ id: result, kind: 'created' })]);
      });

      test('an error thrown mid-transaction leaves nothing and reaches the caller', async () => {
        await givenCase({ id: 'case-before' });
        const before = await store.dumpAll();
        const row = aCase({ id: 'case-abandoned' });
        const changedMind = new Error('changed my mind');
        await expect(
          store.withTransaction(async (tx) => {
            await tx.cases.insert(row);
            await tx.events.append(anEvent(row, { kind: 'created' }));
            throw changedMind;
          }),
        ).rejects.toBe(changedMind);
        expect(await store.dumpAll()).toEqual(before);
        expect(await caseNow('case-abandoned')).toBeUndefined();
        expect(await store.read((tx) => tx.events.ofCase('case-abandoned'))).toEqual([]);
      });

      test('a driver failure mid-plan (a deadline id already taken) leaves nothing', async () => {
        const first = await givenCase({ id: 'case-first' });
        const taken = await givenDeadline(first);
        const before = await store.dumpAll();
        const second = aCase({ id: 'case-second' });
        await expect(
          store.withTransaction(async (tx) => {
            await tx.cases.insert(second);
            await tx.events.append(anEvent(second, { kind: 'created' }));
            await tx.deadlines.insert(aDeadline(second, { id: taken.id }));
          }),
        ).rejects.toHaveProperty('message', expect.any(String)); // a driver error (from another realm under jest, so not toThrow)
        expect(await store.dumpAll()).toEqual(before);
        expect(await caseNow('case-second')).toBeUndefined();
        expect(await deadlineNow(taken.id)).toEqual(taken);
      });

      test('after a failed transaction the next one commits', async () => {
        await expect(
          store.withTransaction(async (tx) => {
            await tx.cases.insert(aCase({ id: 'case-lost' }));
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        await givenCase({ id: 'case-kept' });
        expect(await caseNow('case-lost')).toBeUndefined();
        expect(await caseNow('case-kept')).toMatchObject({ id: 'case-kept' });
      });
    });

    describe('cases: the version guard', () => {
      test('byId returns the case as inserted, or undefined', async () => {
        const row = await givenCase({ subjectId: 'wang.fang', closedAt: null });
        expect(await caseNow(row.id)).toEqual(row);
        expect(await caseNow('no-such-case')).toBeUndefined();
      });

      test('update writes once from the expected version and refuses a stale one', async () => {
        const v1 = await givenCase();
        const first = { ...v1, state: 'planReview', version: 2, snapshot: '{"value":"planReview"}', updatedAt: T0 + HOUR };
        const stale = { ...v1, state: 'escalated', version: 2, assignee: 'someone.else', updatedAt: T0 + 2 * HOUR };
        expect(await given((tx) => tx.cases.update(first, 1))).toBe(true);
        expect(await given((tx) => tx.cases.update(stale, 1))).toBe(false);
        expect(await caseNow(v1.id)).toEqual(first);
      });

      test('openAbout lists the open cases about one official, oldest first, and no closed case or other official', async () => {
        const clue = await givenCase({ id: 'clue-1', type: 'clue', subjectId: 'he.ping', createdAt: T0 + HOUR });
        const recommendation = await givenCase({ id: 'self-1', type: 'selfRecommendation', subjectId: 'he.ping', createdAt: T0 });
        await givenCase({ id: 'clue-closed', type: 'clue', subjectId: 'he.ping', status: 'closed', closedAt: T0 });
        await givenCase({ id: 'clue-other', type: 'clue', subjectId: 'ma.lin' });
        await givenCase({ id: 'rect-1', subjectId: null });
        expect(await given((tx) => tx.cases.openAbout('he.ping'))).toEqual([recommendation, clue]);
        expect(await store.read((tx) => tx.cases.openAbout('nobody'))).toEqual([]);
      });

      test('allAbout lists every case about one official, open or closed, oldest first', async () => {
        const closed = await givenCase({ id: 'clue-closed', type: 'clue', subjectId: 'he.ping', status: 'closed', closedAt: T0, createdAt: T0 });
        const open = await givenCase({ id: 'clue-open', type: 'clue', subjectId: 'he.ping', createdAt: T0 + HOUR });
        await givenCase({ id: 'clue-other', type: 'clue', subjectId: 'ma.lin' });
        expect(await store.read((tx) => tx.cases.allAbout('he.ping'))).toEqual([closed, open]);
        expect(await given((tx) => tx.cases.allAbout('nobody'))).toEqual([]);
      });

      test('update of an unknown case answers false and writes nothing', async () => {
        const before = await store.dumpAll();
        expect(await given((tx) => tx.cases.update(aCase({ id: 'ghost', version: 2 }), 1))).toBe(false);
        expect(await store.dumpAll()).toEqual(before);
      });

      test('update can close a case and reassign it', async () => {
        const v1 = await givenCase({ subjectId: 'wang.fang' });
        const closed: CaseRecord = {
          ...v1,
          state: 'closed',
          status: 'closed',
          version: 2,
          unit: 'Audit Office',
          assignee: null,
          subjectId: null,
          closedAt: T0 + DAY,
          updatedAt: T0 + DAY,
        };
        expect(await given((tx) => tx.cases.update(closed, 1))).toBe(true);
        expect(await caseNow(v1.id)).toEqual(closed);
      });

      test('two transactions racing to update from the same version: exactly one wins', async () => {
        const v1 = await givenCase();
        const moves = ['planReview', 'escalated'].map((state, i) => ({ ...v1, state, version: 2, updatedAt: T0 + (i + 1) * MINUTE }));
        const racing = moves.map((next) => store.withTransaction((tx) => tx.cases.update(next, 1)));
        const results = await Promise.all(racing);
        expect(tally(results)).toEqual({ won: 1, lost: 1 });
        expect(await caseNow(v1.id)).toEqual(moves[results.indexOf(true)]);
      });

      test('accessFacts answers for known ids only', async () => {
        await givenCase({ id: 'case-a', subjectId: 'wang.fang', assignee: 'zhou.min' });
        await givenCase({ id: 'case-b', type: 'clue', subjectId: null, assignee: null });
        const facts = await store.read((tx) => tx.cases.accessFacts(['case-b', 'no-such-case', 'case-a']));
        expect([...facts].sort((x, y) => x.id.localeCompare(y.id))).toEqual([
          { id: 'case-a', type: 'rectification', assignee: 'zhou.min', subjectId: 'wang.fang' },
          { id: 'case-b', type: 'clue', assignee: null, subjectId: null },
        ]);
        expect(await store.read((tx) => tx.cases.accessFacts([]))).toEqual([]);
      });
    });

    describe('deadlines: the guarded step', () => {
      test('a deadline is stored as inserted and listed with its case', async () => {
        const owner = await givenCase();
        const planDue = await givenDeadline(owner, { createdAt: T0 });
        const notice = await givenDeadline(owner, { kind: 'publicNotice', period: true, nextFireAt: null, createdAt: T0 + MINUTE });
        const closed = await givenDeadline(owner, { kind: 'acceptance', ...closedAt(T0 + 2 * MINUTE), createdAt: T0 + 2 * MINUTE });
        expect(await deadlineNow(planDue.id)).toEqual(planDue);
        expect(await deadlineNow('no-such-deadline')).toBeUndefined();
        expect(await store.read((tx) => tx.deadlines.ofCase(owner.id))).toEqual([planDue, notice, closed]);
        const running = await store.read((tx) => tx.deadlines.runningOfCase(owner.id));
        expect(running.map((d) => d.id).sort()).toEqual([notice.id, planDue.id].sort());
      });

      test('runningOfCases reads the running deadlines of a page of cases at once', async () => {
        const one = await givenCase({ id: 'RC-1' });
        const two = await givenCase({ id: 'RC-2' });
        const other = await givenCase({ id: 'RC-3' });
        const a = await givenDeadline(one, { id: 'RC-1~planDue~1' });
        await givenDeadline(one, { id: 'RC-1~acceptance~1', kind: 'acceptance', ...closedAt(T0) });
        const b = await givenDeadline(two, { id: 'RC-2~planDue~1' });
        await givenDeadline(other, { id: 'RC-3~planDue~1' });
        const running = await store.read((tx) => tx.deadlines.runningOfCases(['RC-1', 'RC-2', 'RC-NONE']));
        expect([...running].sort((x, y) => x.id.localeCompare(y.id))).toEqual([a, b]);
        expect(await store.read((tx) => tx.deadlines.runningOfCases([]))).toEqual([]);
      });

      test('deadlines opened in the same millisecond are listed in the order they were written, however often they change', async () => {
        const owner = await givenCase();
        const [first, second, third] = await given(async (tx) => {
          const rows = [aDeadline(owner, { id: 'd-first', createdAt: T0 }), aDeadline(owner, { id: 'd-second', kind: 'acceptance', createdAt: T0 }), aDeadline(owner, { id: 'd-third', kind: 'publicNotice', createdAt: T0 })];
          for (const row of rows) await tx.deadlines.insert(row);
          return rows;
        });
        // the older rows change after the newer were written (a row's physical place moves when it is updated)
        expect(await given((tx) => tx.deadlines.reschedule(second!.id, 1, stepFired(second!)))).toBe(true);
        expect(await given((tx) => tx.deadlines.reschedule(first!.id, 1, stepFired(first!)))).toBe(true);
        expect(await given((tx) => tx.deadlines.close({ id: first!.id, status: 'met', closedAt: T0 + HOUR, latenessMs: 0 }))).toBe(true);
        expect((await store.read((tx) => tx.deadlines.ofCase(owner.id))).map((d) => d.id)).toEqual([first!.id, second!.id, third!.id]);
      });

      test('reschedule moves the schedule once from the expected revision', async () => {
        const d = await givenDeadline(await givenCase());
        const fired = stepFired(d);
        expect(await given((tx) => tx.deadlines.reschedule(d.id, 1, fired))).toBe(true);
        expect(await given((tx) => tx.deadlines.reschedule(d.id, 1, stepFired(d, { warning: 'red' })))).toBe(false);
        expect(await deadlineNow(d.id)).toEqual({ ...d, ...fired });
        expect(await given((tx) => tx.deadlines.reschedule(d.id, 2, stepFired({ ...d, ...fired })))).toBe(true);
        expect(await deadlineNow(d.id)).toMatchObject({ scheduleRev: 3, nextStep: 2 });
      });

      test('respec re-plans a deadline once from the expected revision: schedule, spec, basis, base, original due and state', async () => {
        const d = await givenDeadline(await givenCase());
        const respec = {
          ...stepFired(d),
          dueAt: d.dueAt + 2 * HOUR,
          originalDueAt: d.originalDueAt + 2 * HOUR,
          baseAt: d.baseAt + MINUTE,
          spec: JSON.stringify({ kind: d.kind, basis: 'new rule', limit: { kind: 'duration', minutes: 180 }, ladder: [] }),
          basis: 'new rule',
          stateId: 'rectification.planScrutiny',
        };
        expect(await given((tx) => tx.deadlines.respec(d.id, 1, respec))).toBe(true);
        expect(await given((tx) => tx.deadlines.respec(d.id, 1, respec))).toBe(false);
        const after = (await deadlineNow(d.id))!;
        expect({ ...after, spec: JSON.parse(after.spec) as unknown }).toEqual({ ...d, ...respec, spec: JSON.parse(respec.spec) as unknown });
        expect(await store.read((tx) => tx.outbox.pending('', 10))).toEqual([expect.objectContaining({ deadlineId: d.id, scheduleRev: respec.scheduleRev })]);
      });

      test('a case update may move the case to another machine version', async () => {
        const v1 = await givenCase();
        const migrated = { ...v1, machineVersion: 2, state: 'planScrutiny', version: 2, updatedAt: T0 + MINUTE };
        expect(await given((tx) => tx.cases.update(migrated, 1))).toBe(true);
        expect(await caseNow(v1.id)).toEqual(migrated);
      });

      test('close answers true once, and a closed deadline is not rescheduled', async () => {
        const d = await givenDeadline(await givenCase());
        const closing = { id: d.id, status: 'overdue' as const, closedAt: d.dueAt + HOUR, latenessMs: HOUR };
        expect(await given((tx) => tx.deadlines.close(closing))).toBe(true);
        expect(await given((tx) => tx.deadlines.close({ ...closing, status: 'met', latenessMs: 0 }))).toBe(false);
        const closed = await deadlineNow(d.id);
        expect(closed).toMatchObject({ running: false, status: 'overdue', closedAt: d.dueAt + HOUR, latenessMs: HOUR, nextFireAt: null });
        expect(await given((tx) => tx.deadlines.reschedule(d.id, d.scheduleRev, stepFired(d)))).toBe(false);
        expect(await deadlineNow(d.id)).toEqual(closed);
      });

      test('close of an unknown deadline answers false', async () => {
        expect(await given((tx) => tx.deadlines.close({ id: 'ghost', status: 'met', closedAt: T0, latenessMs: 0 }))).toBe(false);
      });

      test('concurrent reschedules from the same revision: exactly one wins', async () => {
        const d = await givenDeadline(await givenCase());
        const changes = [stepFired(d, { warning: 'blue' }), stepFired(d, { warning: 'yellow', nextFireAt: d.dueAt + DAY })];
        const racing = changes.map((change) => store.withTransaction((tx) => tx.deadlines.reschedule(d.id, 1, change)));
        const results = await Promise.all(racing);
        expect(tally(results)).toEqual({ won: 1, lost: 1 });
        expect(await deadlineNow(d.id)).toEqual({ ...d, ...changes[results.indexOf(true)] });
      });
    });

    describe('deadlines: the overdue sweep', () => {
      const overdueNow = (before: number, limit = 100) => store.read((tx) => tx.deadlines.overdueWakeUps(before, limit));
      const wakeUpOf = (d: DeadlineRecord) => ({ deadlineId: d.id, scheduleRev: d.scheduleRev, nextFireAt: d.nextFireAt });

      test('overdueWakeUps lists running, unsuspended wake-ups due before the moment, earliest first, up to the limit', async () => {
        const owner = await givenCase();
        // inserted out of order, and dispatched or not: the sweep does not care whether the queue has them
        const late = await givenDeadline(owner, { id: 'd-late', nextFireAt: T0 + 2 * HOUR, dispatchedRev: 1 });
        const latest = await givenDeadline(owner, { id: 'd-latest', nextFireAt: T0 + 3 * HOUR });
        const earliest = await givenDeadline(owner, { id: 'd-earliest', nextFireAt: T0 + HOUR, dispatchedRev: 1 });
        await givenDeadline(owner, { id: 'd-at-the-moment', nextFireAt: T0 + 4 * HOUR });
        await givenDeadline(owner, { id: 'd-later', nextFireAt: T0 + 5 * HOUR });
        await givenDeadline(owner, { id: 'd-closed', ...closedAt(T0) });
        await givenDeadline(owner, { id: 'd-no-wake-up', nextFireAt: null });
        await givenDeadline(owner, { id: 'd-suspended', suspendedAt: T0, nextFireAt: T0 + HOUR / 2 });
        expect(await overdueNow(T0 + 4 * HOUR)).toEqual([wakeUpOf(earliest), wakeUpOf(late), wakeUpOf(latest)]);
        expect(await overdueNow(T0 + 4 * HOUR, 2)).toEqual([wakeUpOf(earliest), wakeUpOf(late)]);
        expect(await overdueNow(T0 + HOUR)).toEqual([]);
        expect(await overdueNow(T0 + HOUR + 1)).toEqual([wakeUpOf(earliest)]);
      });

      test('a fired step leaves the overdue list; the next step joins it at its new revision once due', async () => {
        const owner = await givenCase();
        const d = await givenDeadline(owner, { nextFireAt: T0 + HOUR });
        expect(await overdueNow(T0 + 2 * HOUR)).toEqual([wakeUpOf(d)]);
        const fired = stepFired(d, { nextFireAt: T0 + 3 * HOUR });
        await given((tx) => tx.deadlines.reschedule(d.id, 1, fired));
        expect(await overdueNow(T0 + 2 * HOUR)).toEqual([]);
        expect(await overdueNow(T0 + 4 * HOUR)).toEqual([{ deadlineId: d.id, scheduleRev: 2, nextFireAt: T0 + 3 * HOUR }]);
        await given((tx) => tx.deadlines.close({ id: d.id, status: 'overdue', closedAt: T0 + 4 * HOUR, latenessMs: HOUR }));
        expect(await overdueNow(T0 + 5 * HOUR)).toEqual([]);
      });
    });

    describe('calendar years and the deadlines an import may move', () => {
      const year = (overrides: Partial<CalendarYearRecord> = {}): CalendarYearRecord => ({
        calendar: 'cn-mainland',
        year: 2027,
        holidays: JSON.stringify(['2027-10-01', '2027-10-04']),
        makeupWorkdays: JSON.stringify(['2027-09-26']),
        source: 'State Council notice 2026-11',
        importedBy: 'root.admin',
        importedAt: T0,
        ...overrides,
      });
      const readBack = (calendar: string) =>
        store.read(async (tx) => (await tx.calendarYears.ofCalendar(calendar)).map((r) => ({ ...r, holidays: JSON.parse(r.holidays), makeupWorkdays: JSON.parse(r.makeupWorkdays) })));

      test('an imported year is stored per calendar, ascending, and a second import of the same year replaces it', async () => {
        await given((tx) => tx.calendarYears.put(year({ year: 2028, holidays: '["2028-01-01"]', makeupWorkdays: '[]' })));
        await given((tx) => tx.calendarYears.put(year()));
        await given((tx) => tx.calendarYears.put(year({ calendar: 'office-own' })));
        expect((await readBack('cn-mainland')).map((r) => r.year)).toEqual([2027, 2028]);
        await given((tx) => tx.calendarYears.put(year({ holidays: '["2027-10-01"]', importedAt: T0 + DAY })));
        const [replaced] = await readBack('cn-mainland');
        expect(replaced).toEqual({ ...year({ importedAt: T0 + DAY }), holidays: ['2027-10-01'], makeupWorkdays: ['2027-09-26'] });
        expect(await readBack('nowhere')).toEqual([]);
      });

      test('runningDueFrom lists the running deadlines due at or after a moment, earliest due first', async () => {
        const owner = await givenCase();
        const later = await givenDeadline(owner, { id: 'd-later', dueAt: T0 + 3 * DAY });
        const atTheMoment = await givenDeadline(owner, { id: 'd-at', dueAt: T0 + DAY });
        await givenDeadline(owner, { id: 'd-before', dueAt: T0 + DAY - 1 });
        await givenDeadline(owner, { id: 'd-closed', dueAt: T0 + 2 * DAY, ...closedAt(T0) });
        expect((await store.read((tx) => tx.deadlines.runningDueFrom(T0 + DAY))).map((d) => d.id)).toEqual([atTheMoment.id, later.id]);
      });
    });

    describe('the wake-up outbox', () => {
      /** Three running deadlines of one case, inserted out of id order. */
      const givenThreeWakeUps = async () => {
        const owner = await givenCase();
        const c = await givenDeadline(owner, { id: 'd-c', nextFireAt: T0 + 3 * HOUR });
        const a = await givenDeadline(owner, { id: 'd-a', nextFireAt: T0 + HOUR });
        const b = await givenDeadline(owner, { id: 'd-b', nextFireAt: T0 + 2 * HOUR });
        return { owner, a, b, c };
      };
      const wakeUp = (d: DeadlineRecord) => ({ deadlineId: d.id, scheduleRev: d.scheduleRev, nextFireAt: d.nextFireAt });
      const pendingNow = (after = '', limit = 100) => store.read((tx) => tx.outbox.pending(after, limit));
      const dispatchedNow = (after = '', limit = 100) => store.read((tx) => tx.outbox.dispatched(after, limit));

      test('pending lists undispatched wake-ups in deadline-id order, paged by after and limit', async () => {
        const { a, b, c } = await givenThreeWakeUps();
        expect(await pendingNow()).toEqual([wakeUp(a), wakeUp(b), wakeUp(c)]);
        expect(await pendingNow('', 2)).toEqual([wakeUp(a), wakeUp(b)]);
        expect(await pendingNow('d-b', 2)).toEqual([wakeUp(c)]);
        expect(await pendingNow('d-c', 2)).toEqual([]);
      });

      test('markDispatched marks only revisions still current; a rescheduled one stays pending at its new revision', async () => {
        const { a, b, c } = await givenThreeWakeUps();
        const sent = await pendingNow();
        // while the batch was on its way to the queue, a step of b fired
        const bFired = stepFired(b, { nextFireAt: T0 + 5 * HOUR });
        expect(await given((tx) => tx.deadlines.reschedule(b.id, 1, bFired))).toBe(true);
        expect(await given((tx) => tx.outbox.markDispatched(sent))).toBe(2);
        expect(await pendingNow()).toEqual([{ deadlineId: b.id, scheduleRev: 2, nextFireAt: T0 + 5 * HOUR }]);
        expect(await dispatchedNow()).toEqual([wakeUp(a), wakeUp(c)]);
        expect(await given((tx) => tx.outbox.markDispatched([{ deadlineId: b.id, scheduleRev: 2 }]))).toBe(1);
        expect(await pendingNow()).toEqual([]);
        expect(await deadlineNow(b.id)).toMatchObject({ scheduleRev: 2, dispatchedRev: 2 });
      });

      test('dispatched lists handed-over wake-ups in deadline-id order, paged by after and limit', async () => {
        const { a, b, c } = await givenThreeWakeUps();
        expect(await dispatchedNow()).toEqual([]);
        await given((tx) => tx.outbox.markDispatched([wakeUp(c), wakeUp(a)]));
        expect(await dispatchedNow()).toEqual([wakeUp(a), wakeUp(c)]);
        expect(await dispatchedNow('', 1)).toEqual([wakeUp(a)]);
        expect(await dispatchedNow('d-a', 1)).toEqual([wakeUp(c)]);
        expect(await pendingNow()).toEqual([wakeUp(b)]);
      });

      test('returnToOutbox puts a lost wake-up back only if its revision is unchanged', async () => {
        const { a, b } = await givenThreeWakeUps();
        await given((tx) => tx.outbox.markDispatched([wakeUp(a), wakeUp(b)]));
        // the queue lost both; meanwhile b moved on to revision 2 (and was handed over again)
        const bFired = stepFired(b);
        await given((tx) => tx.deadlines.reschedule(b.id, 1, bFired));
        await given((tx) => tx.outbox.markDispatched([{ deadlineId: b.id, scheduleRev: 2 }]));
        expect(await given((tx) => tx.outbox.returnToOutbox([wakeUp(a), wakeUp(b)]))).toBe(1);
        expect((await pendingNow()).map((w) => w.deadlineId)).toEqual(['d-a', 'd-c']);
        expect(await dispatchedNow()).toEqual([{ deadlineId: b.id, scheduleRev: 2, nextFireAt: bFired.nextFireAt }]);
      });

      const claimNow = (now: number, leaseUntil: number, limit = 100) => given((tx) => tx.outbox.claim(now, leaseUntil, limit));

      test('claim leases pending wake-ups lowest id first; a second dispatcher gets only the rest', async () => {
        const { a, b, c } = await givenThreeWakeUps();
        expect(await claimNow(T0, T0 + 30_000, 2)).toEqual([wakeUp(a), wakeUp(b)]);
        expect(await claimNow(T0 + 1, T0 + 30_001)).toEqual([wakeUp(c)]);
        expect(await claimNow(T0 + 2, T0 + 30_002)).toEqual([]);
        // still pending: a claim is not a hand-over
        expect(await pendingNow()).toEqual([wakeUp(a), wakeUp(b), wakeUp(c)]);
        expect(await deadlineNow(a.id)).toMatchObject({ dispatchLeaseUntil: T0 + 30_000 });
      });

      test("a dead dispatcher's claim comes free when its lease runs out", async () => {
        const { a, b } = await givenThreeWakeUps();
        await claimNow(T0, T0 + 30_000, 2);
        expect(await claimNow(T0 + 29_999, T0 + 60_000, 2)).toEqual([{ deadlineId: 'd-c', scheduleRev: 1, nextFireAt: T0 + 3 * HOUR }]);
        expect(await claimNow(T0 + 30_000, T0 + 60_000, 5)).toEqual([wakeUp(a), wakeUp(b)]);
      });

      test('marking releases the claim; a new revision is claimable at once, while an unchanged one stays handed over', async () => {
        const { a, b } = await givenThreeWakeUps();
        const claimed = await claimNow(T0, T0 + 30_000, 2);
        // b's step fires while the batch is on its way: its new revision is a new wake-up, unclaimed
        await given((tx) => tx.deadlines.reschedule(b.id, 1, stepFired(b, { nextFireAt: T0 + 5 * HOUR })));
        expect(await given((tx) => tx.outbox.markDispatched(claimed))).toBe(1);
        expect(await deadlineNow(a.id)).toMatchObject({ dispatchedRev: 1, dispatchLeaseUntil: null });
        expect(await claimNow(T0 + 1, T0 + 30_001)).toEqual([
          { deadlineId: b.id, scheduleRev: 2, nextFireAt: T0 + 5 * HOUR },
          { deadlineId: 'd-c', scheduleRev: 1, nextFireAt: T0 + 3 * HOUR },
        ]);
      });

      test('released wake-ups (the queue refused them) are claimable at once; others keep their lease', async () => {
        const { a, b } = await givenThreeWakeUps();
        await claimNow(T0, T0 + 30_000, 2);
        expect(await given((tx) => tx.outbox.release([wakeUp(a), { deadlineId: b.id, scheduleRev: 7 }]))).toBe(1);
        expect(await given((tx) => tx.outbox.release([]))).toBe(0);
        expect(await claimNow(T0 + 1, T0 + 30_001)).toEqual([wakeUp(a), { deadlineId: 'd-c', scheduleRev: 1, nextFireAt: T0 + 3 * HOUR }]);
      });

      test('a wake-up returned to the outbox is claimable at once', async () => {
        const { a } = await givenThreeWakeUps();
        await claimNow(T0, T0 + 30_000, 1);
        await given((tx) => tx.outbox.markDispatched([wakeUp(a)]));
        await given((tx) => tx.outbox.returnToOutbox([wakeUp(a)]));
        expect(await claimNow(T0 + 1, T0 + 30_001, 1)).toEqual([wakeUp(a)]);
      });

      test('empty batches change nothing', async () => {
        await givenThreeWakeUps();
        const before = await store.dumpAll();
        expect(await given((tx) => tx.outbox.markDispatched([]))).toBe(0);
        expect(await given((tx) => tx.outbox.returnToOutbox([]))).toBe(0);
        expect(await store.dumpAll()).toEqual(before);
      });

      test('closed deadlines and suspended ones without a wake-up are never pending nor dispatched', async () => {
        const owner = await givenCase();
        const closing = await givenDeadline(owner, { id: 'd-closing' });
        const suspending = await givenDeadline(owner, { id: 'd-suspending' });
        await givenDeadline(owner, { id: 'd-closed', ...closedAt(T0) });
        await givenDeadline(owner, { id: 'd-suspended', suspendedAt: T0, nextFireAt: null });
        expect((await pendingNow()).map((w) => w.deadlineId)).toEqual(['d-closing', 'd-suspending']);
        await given((tx) => tx.outbox.markDispatched([wakeUp(closing), wakeUp(suspending)]));

        await given((tx) => tx.deadlines.close({ id: closing.id, status: 'met', closedAt: T0 + HOUR, latenessMs: 0 }));
        await given((tx) => tx.deadlines.reschedule(suspending.id, 1, stepFired(suspending, { suspendedAt: T0 + HOUR, nextFireAt: null, nextStep: 0, warning: 'none' })));
        expect(await pendingNow()).toEqual([]);
        expect(await dispatchedNow()).toEqual([]);
        // a wake-up of a closed deadline given back by the reconciler still never fires
        await given((tx) => tx.outbox.returnToOutbox([wakeUp(closing)]));
        expect(await pendingNow()).toEqual([]);
      });
    });

    describe('notifications and their claims', () => {
      const givenStepDeadline = async () => givenDeadline(await givenCase());
      const noticeNow = (id: number) => store.read((tx) => tx.notifications.byId(id));
      const idsOf = (notices: readonly { id: number }[]) => notices.map((n) => n.id);
      /** Queues a notice and answers its id. */
      const queued = async (notice: NewNotification) => {
        expect(await given((tx) => tx.notifications.insert(notice))).toBe(true);
        const all = await store.read((tx) => tx.notifications.ofCase(notice.caseId));
        const mine = all.find(
          (n) => n.deadlineId === notice.deadlineId && n.step === notice.step && n.recipient === notice.recipient && n.createdAt === notice.createdAt,
        );
        if (!mine) throw new Error('the queued notice is not listed with its case');
        return mine.id;
      };

      test('insert queues a pending notice, once per deadline, step and recipient', async () => {
        const d = await givenStepDeadline();
        const notice = aNotice(d);
        const id = await queued(notice);
        expect(await noticeNow(id)).toEqual({ ...notice, id, status: 'pending', claimedAt: null, attempts: 0, lastError: null, sentAt: null });
        expect(await given((tx) => tx.notifications.insert({ ...notice, subject: 'again', createdAt: T0 + MINUTE }))).toBe(false);
        expect(await given((tx) => tx.notifications.insert({ ...notice, recipient: 'li.wei' }))).toBe(true);
        expect(await given((tx) => tx.notifications.insert({ ...notice, step: 'escalated' }))).toBe(true);
        const all = await store.read((tx) => tx.notifications.ofCase(d.caseId));
        expect(all.map((n) => [n.step, n.recipient])).toEqual([
          ['overdue', 'zhou.min'],
          ['overdue', 'li.wei'],
          ['escalated', 'zhou.min'],
        ]);
        expect(await noticeNow(987654)).toBeUndefined();
      });

      test('claim takes a pending notice once', async () => {
        const id = await queued(aNotice(await givenStepDeadline()));
        expect(await given((tx) => tx.notifications.claim(id, T0 + MINUTE))).toBe(true);
        expect(await given((tx) => tx.notifications.claim(id, T0 + 2 * MINUTE))).toBe(false);
        expect(await noticeNow(id)).toMatchObject({ status: 'sending', claimedAt: T0 + MINUTE });
        expect(await given((tx) => tx.notifications.claim(424242, T0))).toBe(false);
      });

      test('two notifiers claiming the same notice at once: exactly one gets it', async () => {
        const id = await queued(aNotice(await givenStepDeadline()));
        const racing = [1, 2].map((n) => store.withTransaction((tx) => tx.notifications.claim(id, T0 + n * MINUTE)));
        const results = await Promise.all(racing);
        expect(tally(results)).toEqual({ won: 1, lost: 1 });
        expect(await noticeNow(id)).toMatchObject({ status: 'sending', claimedAt: T0 + (results.indexOf(true) + 1) * MINUTE });
      });

      test('releaseClaimsBefore gives back only claims older than the cut-off', async () => {
        const d = await givenStepDeadline();
        const early = await queued(aNotice(d, { recipient: 'a' }));
        const late = await queued(aNotice(d, { recipient: 'b' }));
        const unclaimed = await queued(aNotice(d, { recipient: 'c' }));
        await given((tx) => tx.notifications.claim(early, T0));
        await given((tx) => tx.notifications.claim(late, T0 + 10 * MINUTE));
        expect(await given((tx) => tx.notifications.releaseClaimsBefore(T0 + 10 * MINUTE))).toBe(1);
        expect(await noticeNow(early)).toMatchObject({ status: 'pending', claimedAt: null });
        expect(await noticeNow(late)).toMatchObject({ status: 'sending', claimedAt: T0 + 10 * MINUTE });
        expect(await noticeNow(unclaimed)).toMatchObject({ status: 'pending', claimedAt: null });
        expect(await given((tx) => tx.notifications.claim(early, T0 + 11 * MINUTE))).toBe(true);
      });

      test('pending lists pending notices under maxAttempts in id order, paged by after and limit', async () => {
        const d = await givenStepDeadline();
        const n1 = await queued(aNotice(d, { recipient: 'a' }));
        const n2 = await queued(aNotice(d, { recipient: 'b' }));
        const n3 = await queued(aNotice(d, { recipient: 'c' }));
        const n4 = await queued(aNotice(d, { recipient: 'd' }));
        expect(n1 < n2 && n2 < n3 && n3 < n4).toBe(true);
        // n2 failed three times and is pending again; n3 is being sent
        await given((tx) => tx.notifications.markFailed(n2, { attempts: 3, lastError: 'smtp 421', final: false }));
        await given((tx) => tx.notifications.claim(n3, T0));
        const pendingNow = (after: number, maxAttempts: number, limit: number) => store.read((tx) => tx.notifications.pending(after, maxAttempts, limit));
        expect(idsOf(await pendingNow(0, 3, 10))).toEqual([n1, n4]);
        expect(idsOf(await pendingNow(0, 4, 10))).toEqual([n1, n2, n4]);
        expect(idsOf(await pendingNow(0, 4, 2))).toEqual([n1, n2]);
        expect(idsOf(await pendingNow(n2, 4, 2))).toEqual([n4]);
        expect(idsOf(await pendingNow(n4, 4, 2))).toEqual([]);
      });

      test('markFailed makes a notice pending again, or failed for good when final; markSent records the delivery', async () => {
        const d = await givenStepDeadline();
        const retried = await queued(aNotice(d, { recipient: 'a' }));
        const givenUp = await queued(aNotice(d, { recipient: 'b' }));
        const delivered = await queued(aNotice(d, { recipient: 'c' }));
        for (const id of [retried, givenUp, delivered]) await given((tx) => tx.notifications.claim(id, T0));

        await given((tx) => tx.notifications.markFailed(retried, { attempts: 1, lastError: 'timeout', final: false }));
        await given((tx) => tx.notifications.markFailed(givenUp, { attempts: 5, lastError: 'mailbox unknown', final: true }));
        await given((tx) => tx.notifications.markSent(delivered, T0 + MINUTE, 1));

        expect(await noticeNow(retried)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'timeout', claimedAt: null, sentAt: null });
        expect(await noticeNow(givenUp)).toMatchObject({ status: 'failed', attempts: 5, lastError: 'mailbox unknown', sentAt: null });
        expect(await noticeNow(delivered)).toMatchObject({ status: 'sent', attempts: 1, sentAt: T0 + MINUTE });
        expect(idsOf(await store.read((tx) => tx.notifications.pending(0, 10, 10)))).toEqual([retried]);
        expect(await given((tx) => tx.notifications.claim(givenUp, T0 + HOUR))).toBe(false);
        expect(await given((tx) => tx.notifications.claim(delivered, T0 + HOUR))).toBe(false);
      });
    });

    describe('the case list: filters and keyset pagination', () => {
      const listNow = (query: Parameters<Tx['cases']['list']>[0]) => store.read((tx) => tx.cases.list(query));
      const idsOf = (rows: readonly { id: string }[]) => rows.map((r) => r.id);
      /** Walks every page of `limit` rows, each after the last row of the one before. */
      const allPages = async (query: Omit<Parameters<Tx['cases']['list']>[0], 'after'>) => {
        const pages: string[][] = [];
        let after: { createdAt: number; id: string } | undefined;
        for (;;) {
          const page = await listNow({ ...query, after });
          if (page.length === 0) return pages;
          pages.push(idsOf(page));
          const last = page[page.length - 1]!;
          after = { createdAt: last.createdAt, id: last.id };
          if (pages.length > 50) throw new Error('pagination does not end');
        }
      };

      test('newest first by createdAt then id; pages neither repeat nor skip a case', async () => {
        // four cases share one moment, so only the id orders them
        const created: Array<[string, number]> = [
          ['c-07', T0 + 3 * HOUR],
          ['c-02', T0 + HOUR],
          ['c-05', T0 + HOUR],
          ['c-03', T0 + HOUR],
          ['c-10', T0 + HOUR],
          ['c-01', T0],
          ['c-09', T0 + 2 * HOUR],
        ];
        for (const [id, createdAt] of created) await givenCase({ id, createdAt, updatedAt: createdAt });
        const newestFirst = ['c-07', 'c-09', 'c-10', 'c-05', 'c-03', 'c-02', 'c-01'];
        const full = await listNow({ limit: 100 });
        expect(idsOf(full)).toEqual(newestFirst);
        expect(full[0]).toEqual({
          id: 'c-07',
          type: 'rectification',
          state: 'planDue',
          status: 'open',
          version: 1,
          unit: 'Water Bureau',
          assignee: 'zhou.min',
          createdAt: T0 + 3 * HOUR,
          updatedAt: T0 + 3 * HOUR,
        });
        for (const limit of [1, 2, 3]) {
          const pages = await allPages({ limit });
          expect(pages.flat()).toEqual(newestFirst);
          expect(pages.every((page) => page.length <= limit)).toBe(true);
        }
        // a page may start in the middle of a tie
        expect(idsOf(await listNow({ limit: 2, after: { createdAt: T0 + HOUR, id: 'c-05' } }))).toEqual(['c-03', 'c-02']);
      });

      test('type, status, unit and assignee filters, alone and together, with pagination', async () => {
        await givenCase({ id: 'c-1', type: 'rectification', unit: 'Water Bureau', assignee: 'zhou.min' });
        await givenCase({ id: 'c-2', type: 'clue', state: 'screening', unit: 'Water Bureau', assignee: null });
        await givenCase({ id: 'c-3', type: 'rectification', unit: 'Audit Office', assignee: 'zhou.min', status: 'closed', state: 'closed', closedAt: T0 });
        await givenCase({ id: 'c-4', type: 'rectification', unit: 'Water Bureau', assignee: 'chen.jie' });
        await givenCase({ id: 'c-5', type: 'clue', state: 'screening', unit: null, assignee: 'zhou.min' });
        expect(idsOf(await listNow({ limit: 10, type: 'clue' }))).toEqual(['c-5', 'c-2']);
        expect(idsOf(await listNow({ limit: 10, status: 'closed' }))).toEqual(['c-3']);
        expect(idsOf(await listNow({ limit: 10, status: 'open' }))).toEqual(['c-5', 'c-4', 'c-2', 'c-1']);
        expect(idsOf(await listNow({ limit: 10, unit: 'Water Bureau' }))).toEqual(['c-4', 'c-2', 'c-1']);
        expect(idsOf(await listNow({ limit: 10, assignee: 'zhou.min' }))).toEqual(['c-5', 'c-3', 'c-1']);
        expect(idsOf(await listNow({ limit: 10, type: 'rectification', unit: 'Water Bureau', status: 'open', assignee: 'zhou.min' }))).toEqual(['c-1']);
        expect((await allPages({ limit: 1, type: 'rectification', status: 'open' })).flat()).toEqual(['c-4', 'c-1']);
      });

      test('the state filter matches a state and its children, not a longer name', async () => {
        await givenCase({ id: 'c-1', type: 'clue', state: 'screening' });
        await givenCase({ id: 'c-2', type: 'clue', state: 'screening.acceptance' });
        await givenCase({ id: 'c-3', type: 'clue', state: 'screening.acceptance.review' });
        await givenCase({ id: 'c-4', type: 'clue', state: 'screeningX' });
        await givenCase({ id: 'c-5', type: 'clue', state: 'screeningX.acceptance' });
        await givenCase({ id: 'c-6', type: 'clue', state: 'verification' });
        expect(idsOf(await listNow({ limit: 10, state: 'screening' }))).toEqual(['c-3', 'c-2', 'c-1']);
        expect(idsOf(await listNow({ limit: 10, state: 'screening.acceptance' }))).toEqual(['c-3', 'c-2']);
        expect(idsOf(await listNow({ limit: 10, state: 'screen' }))).toEqual([]);
      });

      test('the state filter tells letter case apart', async () => {
        await givenCase({ id: 'c-1', state: 'planDue.waiting' });
        await givenCase({ id: 'c-2', state: 'plandue.waiting' });
        await givenCase({ id: 'c-3', state: 'PLANDUE' });
        expect(idsOf(await listNow({ limit: 10, state: 'planDue' }))).toEqual(['c-1']);
      });

      test('the state filter takes % and _ literally, not as patterns', async () => {
        await givenCase({ id: 'c-1', state: 'planDue.waiting' });
        await givenCase({ id: 'c-2', state: 'plan_ue' });
        expect(idsOf(await listNow({ limit: 10, state: 'plan_ue' }))).toEqual(['c-2']);
        expect(idsOf(await listNow({ limit: 10, state: 'plan%' }))).toEqual([]);
      });

      test('notAbout leaves out cases about that official and keeps cases with no subject', async () => {
        await givenCase({ id: 'c-1', subjectId: 'wang.fang' });
        await givenCase({ id: 'c-2', subjectId: null });
        await givenCase({ id: 'c-3', subjectId: 'chen.jie' });
        expect(idsOf(await listNow({ limit: 10, notAbout: 'wang.fang' }))).toEqual(['c-3', 'c-2']);
      });

      test('overdueAt keeps cases with a running, unsuspended, non-period deadline that is overdue or past due', async () => {
        const now = T0 + 10 * DAY;
        const withDeadline = async (id: string, overrides: Partial<DeadlineRecord>) => givenDeadline(await givenCase({ id }), overrides);
        await withDeadline('c-past-due', { dueAt: now - HOUR });
        await withDeadline('c-marked-overdue', { dueAt: now + DAY, status: 'overdue', warning: 'red' });
        await withDeadline('c-due-now', { dueAt: now });
        await withDeadline('c-due-later', { dueAt: now + DAY });
        await withDeadline('c-period', { dueAt: now - HOUR, period: true });
        await withDeadline('c-suspended', { dueAt: now - HOUR, suspendedAt: now - 2 * HOUR, nextFireAt: null });
        await withDeadline('c-closed', { dueAt: now - HOUR, ...closedAt(now - 30 * MINUTE, 'overdue', 30 * MINUTE) });
        await givenCase({ id: 'c-no-deadline' });
        const found = idsOf(await listNow({ limit: 20, overdueAt: now }));
        expect([...found].sort()).toEqual(['c-marked-overdue', 'c-past-due']);
      });

      test('overdueAt lists a case with two overdue deadlines once', async () => {
        const owner = await givenCase({ id: 'c-1' });
        await givenDeadline(owner, { kind: 'planDue', dueAt: T0 });
        await givenDeadline(owner, { kind: 'reviewDue', dueAt: T0 + MINUTE });
        expect(idsOf(await listNow({ limit: 20, overdueAt: T0 + HOUR }))).toEqual(['c-1']);
      });

      test('dueBefore keeps cases with a running deadline due before the moment', async () => {
        const moment = T0 + 5 * DAY;
        const withDeadline = async (id: string, overrides: Partial<DeadlineRecord>) => givenDeadline(await givenCase({ id }), overrides);
        await withDeadline('c-soon', { dueAt: moment - HOUR });
        await withDeadline('c-at-moment', { dueAt: moment });
        await withDeadline('c-later', { dueAt: moment + HOUR });
        await withDeadline('c-closed', { dueAt: moment - HOUR, ...closedAt(T0) });
        const owner = await givenCase({ id: 'c-two' });
        await givenDeadline(owner, { kind: 'planDue', dueAt: moment - DAY });
        await givenDeadline(owner, { kind: 'reviewDue', dueAt: moment - 2 * DAY });
        const found = idsOf(await listNow({ limit: 20, dueBefore: moment }));
        expect([...found].sort()).toEqual(['c-soon', 'c-two']);
      });
    });

    describe('the case log', () => {
      test('append returns growing ids; ofCase lists only that case, oldest first', async () => {
        const a = await givenCase({ id: 'case-a' });
        const b = await givenCase({ id: 'case-b' });
        const entries: Array<[CaseRecord, SealedCaseEvent]> = [
          [a, anEvent(a, { kind: 'created', type: 'CREATE', fromState: null, toState: 'planDue', version: 1 })],
          [b, anEvent(b, { kind: 'created', type: 'CREATE', fromState: null, toState: 'planDue', version: 1 })],
          [a, anEvent(a, { version: 2, at: T0 + HOUR })],
          [a, anEvent(a, { kind: 'deadlineStep', type: 'DEADLINE_STEP', version: 2, at: T0 + 2 * HOUR, fromState: null, toState: null, actorId: 'system' })],
          [b, anEvent(b, { version: 2, at: T0 + 3 * HOUR })],
        ];
        const ids: number[] = [];
        for (const [, entry] of entries) ids.push(await given((tx) => tx.events.append(entry)));
        for (let i = 1; i < ids.length; i++) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!);
        const stored = (owner: CaseRecord): CaseEventRecord[] =>
          entries.flatMap(([o, entry], i) => (o === owner ? [{ ...entry, id: ids[i]! }] : []));
        expect(await store.read((tx) => tx.events.ofCase('case-a'))).toEqual(stored(a));
        expect(await store.read((tx) => tx.events.ofCase('case-b'))).toEqual(stored(b));
        expect(await store.read((tx) => tx.events.ofCase('case-none'))).toEqual([]);
      });

      test('entries appended in one transaction keep their order', async () => {
        const a = await givenCase();
        const ids = await given(async (tx) => [await tx.events.append(anEvent(a, { type: 'FIRST' })), await tx.events.append(anEvent(a, { type: 'SECOND' }))]);
        expect(ids[1]!).toBeGreaterThan(ids[0]!);
        expect((await store.read((tx) => tx.events.ofCase(a.id))).map((e) => e.type)).toEqual(['FIRST', 'SECOND']);
      });

      test('a new case starts at the empty chain head; moveChainHead moves it only from the head it names', async () => {
        const a = await givenCase({ id: 'case-a' });
        expect(await store.read((tx) => tx.cases.chainHead('case-a'))).toEqual(EMPTY_HEAD);
        expect(await store.read((tx) => tx.events.lastId())).toBe(0);
        expect(await store.read((tx) => tx.cases.chainHead('case-none'))).toBeUndefined();
        const first = anEvent(a);
        const head = { seq: first.seq, hash: first.hash };
        expect(await given((tx) => tx.cases.moveChainHead('case-a', EMPTY_HEAD, head))).toBe(true);
        expect(await given((tx) => tx.cases.moveChainHead('case-a', EMPTY_HEAD, { seq: 1, hash: 'f'.repeat(64) }))).toBe(false);
        expect(await store.read((tx) => tx.cases.chainHead('case-a'))).toEqual(head);
        expect((await store.read((tx) => tx.cases.byId('case-a')))?.version).toBe(a.version);
      });

      test('update with a chain move writes the case and moves its chain head in one guarded write', async () => {
        const v1 = await givenCase({ id: 'case-a' });
        const first = anEvent(v1);
        const head = { seq: first.seq, hash: first.hash };
        const v2 = { ...v1, state: 'planReview', version: 2, updatedAt: T0 + HOUR };
        expect(await given((tx) => tx.cases.update(v2, 1, { from: EMPTY_HEAD, to: head }))).toBe(true);
        expect(await caseNow('case-a')).toEqual(v2);
        expect(await store.read((tx) => tx.cases.chainHead('case-a'))).toEqual(head);
        // the head read in a write transaction follows the write
        expect(await given(async (tx) => (await tx.cases.byId('case-a')) && tx.cases.chainHead('case-a'))).toEqual(head);
      });

      test('update with a chain move from a stale head is refused, and nothing of the case is written', async () => {
        const v1 = await givenCase({ id: 'case-a' });
        const first = anEvent(v1);
        const head = { seq: first.seq, hash: first.hash };
        expect(await given((tx) => tx.cases.moveChainHead('case-a', EMPTY_HEAD, head))).toBe(true);
        const before = await store.dumpAll();
        const v2 = { ...v1, state: 'escalated', version: 2, updatedAt: T0 + HOUR };
        // the version still matches, the head does not
        expect(await given((tx) => tx.cases.update(v2, 1, { from: EMPTY_HEAD, to: { seq: 1, hash: 'f'.repeat(64) } }))).toBe(false);
        expect(await store.dumpAll()).toEqual(before);
        // and a stale version with the right head is refused too
        expect(await given((tx) => tx.cases.update({ ...v2, version: 3 }, 2, { from: head, to: { seq: 2, hash: 'e'.repeat(64) } }))).toBe(false);
        expect(await store.dumpAll()).toEqual(before);
      });

      test('chainHeads pages the cases in byte order of their ids; ofCases reads the entries of several cases', async () => {
        const upper = await givenCase({ id: 'RC-B' });
        const lower = await givenCase({ id: 'rc-a' });
        const third = await givenCase({ id: 'RC-C' });
        const page = await store.read((tx) => tx.cases.chainHeads('', 2));
        expect(page).toEqual([
          { caseId: 'RC-B', seq: 0, hash: GENESIS },
          { caseId: 'RC-C', seq: 0, hash: GENESIS },
        ]);
        expect((await store.read((tx) => tx.cases.chainHeads('RC-C', 2))).map((h) => h.caseId)).toEqual(['rc-a']);
        const ids = await given(async (tx) => [await tx.events.append(anEvent(upper)), await tx.events.append(anEvent(lower)), await tx.events.append(anEvent(upper, { type: 'LATER' }))]);
        const entries = await store.read((tx) => tx.events.ofCases(['RC-B', 'rc-a', third.id]));
        expect(entries.filter((e) => e.caseId === 'RC-B').map((e) => e.id)).toEqual([ids[0], ids[2]]);
        expect(entries.filter((e) => e.caseId === 'rc-a').map((e) => [e.id, e.seq, e.prevHash, e.hash])).toEqual([[ids[1], 1, GENESIS, anEvent(lower).hash]]);
        expect(await store.read((tx) => tx.events.ofCases([]))).toEqual([]);
        expect(await store.read((tx) => tx.events.lastId())).toBe(ids[2]);
      });

      test('withChainHeads reads a page of case rows, each with its chain head', async () => {
        const one = await givenCase({ id: 'RC-1' });
        const two = await givenCase({ id: 'RC-2' });
        const entry = anEvent(one);
        await given(async (tx) => {
          await tx.events.append(entry);
          expect(await tx.cases.moveChainHead(one.id, { seq: 0, hash: GENESIS }, { seq: entry.seq, hash: entry.hash })).toBe(true);
        });
        const rows = await store.read((tx) => tx.cases.withChainHeads(['RC-2', 'RC-1', 'RC-NONE']));
        expect([...rows].sort((x, y) => x.id.localeCompare(y.id))).toEqual([
          { ...one, head: { seq: entry.seq, hash: entry.hash } },
          { ...two, head: { seq: 0, hash: GENESIS } },
        ]);
        expect(await store.read((tx) => tx.cases.withChainHeads([]))).toEqual([]);
      });

      test('identityStepsAfter reads the identity-access entries of every case, in log order, after an id, a page at a time', async () => {
        const one = await givenCase({ id: 'CL-1' });
        const two = await givenCase({ id: 'CL-2' });
        const ids = await given(async (tx) => [
          await tx.events.append(anEvent(one, { kind: 'identityAccessRequested', type: 'IDENTITY_ACCESS_REQUESTED' })),
          await tx.events.append(anEvent(two)),
          await tx.events.append(anEvent(two, { kind: 'identityAccessRequested', type: 'IDENTITY_ACCESS_REQUESTED' })),
          await tx.events.append(anEvent(one, { kind: 'identityAccessApproved', type: 'IDENTITY_ACCESS_APPROVED' })),
          await tx.events.append(anEvent(one, { kind: 'identityRevealed', type: 'IDENTITY_REVEALED' })),
        ]);
        const all = await store.read((tx) => tx.events.identityStepsAfter(0, 10));
        expect(all.map((e) => [e.id, e.caseId, e.kind])).toEqual([
          [ids[0], 'CL-1', 'identityAccessRequested'],
          [ids[2], 'CL-2', 'identityAccessRequested'],
          [ids[3], 'CL-1', 'identityAccessApproved'],
          [ids[4], 'CL-1', 'identityRevealed'],
        ]);
        expect((await store.read((tx) => tx.events.identityStepsAfter(ids[0]!, 2))).map((e) => e.id)).toEqual([ids[2], ids[3]]);
        expect(await store.read((tx) => tx.events.identityStepsAfter(ids[4]!, 10))).toEqual([]);
      });
    });

    describe('accounts', () => {
      const newUser = (name: string, role = 'caseworker') => ({ name, role, createdAt: T0 });

      test('insertUser stores a user; userByName finds it; a second user of that name is refused', async () => {
        const wang = await given((tx) => tx.accounts.insertUser(newUser('wang.fang', 'intakeClerk')));
        expect(wang).toEqual({ id: expect.any(Number), name: 'wang.fang', role: 'intakeClerk', createdAt: T0, disabledAt: null });
        expect(await store.read((tx) => tx.accounts.userByName('wang.fang'))).toEqual(wang);
        expect(await store.read((tx) => tx.accounts.userByName('nobody'))).toBeUndefined();
        const before = await store.dumpAll();
        await expect(given((tx) => tx.accounts.insertUser(newUser('wang.fang', 'supervisor')))).rejects.toHaveProperty('message', expect.any(String)); // a driver error (from another realm under jest, so not toThrow)
        expect(await store.dumpAll()).toEqual(before);
        const li = await given((tx) => tx.accounts.insertUser(newUser('li.wei', 'supervisor')));
        expect(li.id).not.toBe(wang.id);
        const listed = await store.read((tx) => tx.accounts.listUsers());
        expect([...listed].sort((x, y) => x.name.localeCompare(y.name))).toEqual([li, wang]);
      });

      test('activeUserByTokenHash answers for unrevoked tokens of enabled users; revokeToken answers true once', async () => {
        const wang = await given((tx) => tx.accounts.insertUser(newUser('wang.fang')));
        const chen = await given((tx) => tx.accounts.insertUser(newUser('chen.jie')));
        await given(async (tx) => {
          await tx.accounts.insertToken({ id: 'tok-1', userId: wang.id, tokenHash: 'hash-1', label: 'laptop', createdAt: T0 });
          await tx.accounts.insertToken({ id: 'tok-2', userId: wang.id, tokenHash: 'hash-2', label: null, createdAt: T0 });
          await tx.accounts.insertToken({ id: 'tok-3', userId: chen.id, tokenHash: 'hash-3', label: null, createdAt: T0 });
        });
        const active = (hash: string) => store.read((tx) => tx.accounts.activeUserByTokenHash(hash));
        expect(await active('hash-1')).toEqual(wang);
        expect(await active('no-such-hash')).toBeUndefined();
        expect(await store.read((tx) => tx.accounts.tokenById('tok-1'))).toEqual({
          token: { id: 'tok-1', userId: wang.id, tokenHash: 'hash-1', label: 'laptop', createdAt: T0, revokedAt: null },
          userName: 'wang.fang',
        });
        expect(await store.read((tx) => tx.accounts.tokenById('tok-none'))).toBeUndefined();

        expect(await given((tx) => tx.accounts.revokeToken('tok-1', T0 + HOUR))).toBe(true);
        expect(await given((tx) => tx.accounts.revokeToken('tok-1', T0 + 2 * HOUR))).toBe(false);
        expect(await given((tx) => tx.accounts.revokeToken('tok-none', T0))).toBe(false);
        expect(await active('hash-1')).toBeUndefined();
        expect(await active('hash-2')).toEqual(wang);
        expect(await store.read((tx) => tx.accounts.tokenById('tok-1'))).toMatchObject({ token: { revokedAt: T0 + HOUR } });

        await given((tx) => tx.accounts.disableUser(chen.id, T0 + DAY));
        expect(await active('hash-3')).toBeUndefined();
        expect(await store.read((tx) => tx.accounts.userByName('chen.jie'))).toEqual({ ...chen, disabledAt: T0 + DAY });
      });

      test('two tokens with the same hash are refused', async () => {
        const wang = await given((tx) => tx.accounts.insertUser(newUser('wang.fang')));
        await given((tx) => tx.accounts.insertToken({ id: 'tok-1', userId: wang.id, tokenHash: 'same', label: null, createdAt: T0 }));
        await expect(given((tx) => tx.accounts.insertToken({ id: 'tok-2', userId: wang.id, tokenHash: 'same', label: null, createdAt: T0 }))).rejects.toHaveProperty('message', expect.any(String)); // a driver error (from another realm under jest, so not toThrow)
        expect(await store.read((tx) => tx.accounts.tokenById('tok-2'))).toBeUndefined();
      });

      test('setPasswordHash sets a password and replaces it; passwordHashOf reads it back', async () => {
        const wang = await given((tx) => tx.accounts.insertUser(newUser('wang.fang')));
        expect(await store.read((tx) => tx.accounts.passwordHashOf(wang.id))).toBeUndefined();
        await given((tx) => tx.accounts.setPasswordHash(wang.id, '$argon2id$first', T0));
        await given((tx) => tx.accounts.setPasswordHash(wang.id, '$argon2id$second', T0 + HOUR));
        expect(await store.read((tx) => tx.accounts.passwordHashOf(wang.id))).toBe('$argon2id$second');
        expect((await store.dumpAll())['user_passwords']).toHaveLength(1);
      });

      test('a web session is found by its id hash while its user is enabled, touched, and ended alone or with all of its user’s', async () => {
        const wang = await given((tx) => tx.accounts.insertUser(newUser('wang.fang')));
        const chen = await given((tx) => tx.accounts.insertUser(newUser('chen.jie')));
        const session = (idHash: string, userId: number) => ({ idHash, userId, csrfToken: `csrf-${idHash}`, createdAt: T0, lastSeenAt: T0 });
        await given(async (tx) => {
          await tx.accounts.insertSession(session('s-1', wang.id));
          await tx.accounts.insertSession(session('s-2', wang.id));
          await tx.accounts.insertSession(session('s-3', chen.id));
        });
        const find = (idHash: string) => store.read((tx) => tx.accounts.sessionByIdHash(idHash));
        expect(await find('s-1')).toEqual({ session: session('s-1', wang.id), user: wang });
        expect(await find('s-none')).toBeUndefined();

        expect(await given((tx) => tx.accounts.touchSession('s-1', T0 + MINUTE))).toBe(true);
        expect(await given((tx) => tx.accounts.touchSession('s-none', T0 + MINUTE))).toBe(false);
        expect(await find('s-1')).toMatchObject({ session: { lastSeenAt: T0 + MINUTE } });

        expect(await given((tx) => tx.accounts.deleteSession('s-1'))).toBe(true);
        expect(await given((tx) => tx.accounts.deleteSession('s-1'))).toBe(false);
        expect(await find('s-1')).toBeUndefined();
        expect(await find('s-2')).toMatchObject({ user: wang });

        await given((tx) => tx.accounts.disableUser(chen.id, T0 + DAY));
        expect(await find('s-3')).toBeUndefined();

        await given((tx) => tx.accounts.insertSession(session('s-4', wang.id)));
        expect(await given((tx) => tx.accounts.deleteSessionsOf(wang.id))).toBe(2);
        expect(await find('s-2')).toBeUndefined();
        expect(await find('s-4')).toBeUndefined();
      });
    });

    describe('reporters', () => {

      test('plain identities (stored before sealing) are found and sealed once; other keys\' wrappings are found and re-wrapped, guarded', async () => {
        const [a, b, c] = [await givenCase({ id: 'clue-a', type: 'clue', state: 'received' }), await givenCase({ id: 'clue-b', type: 'clue', state: 'received' }), await givenCase({ id: 'clue-c', type: 'clue', state: 'received' })];
        await given(async (tx) => {
          await tx.reporters.insertIdentity({ caseId: a.id, name: 'Zhang San', contact: '138', keyId: null, wrappedKey: null, sealedFields: null, createdAt: T0 });
          await tx.reporters.insertIdentity(sealedRow(b.id, 'old'));
          await tx.reporters.insertIdentity(sealedRow(c.id, 'new'));
        });
        expect((await store.read((tx) => tx.reporters.plainIdentities('', 10))).map((r) => r.caseId)).toEqual([a.id]);
        expect(await store.read((tx) => tx.reporters.plainIdentities(a.id, 10))).toEqual([]);
        const sealing = { keyId: 'new', wrappedKey: 'w', sealedFields: '{"name":"x"}' };
        expect(await given((tx) => tx.reporters.sealPlainIdentity(a.id, sealing))).toBe(true);
        expect(await given((tx) => tx.reporters.sealPlainIdentity(a.id, sealing))).toBe(false);
        expect(await store.read((tx) => tx.reporters.identityOf(a.id))).toEqual({ caseId: a.id, name: null, contact: null, ...sealing, createdAt: T0 });

        expect(await store.read((tx) => tx.reporters.wrappedWithOtherKey('new', '', 10))).toEqual([{ caseId: b.id, keyId: 'old', wrappedKey: `wrapped-${b.id}-old` }]);
        const from = { caseId: b.id, keyId: 'old', wrappedKey: `wrapped-${b.id}-old` };
        expect(await given((tx) => tx.reporters.rewrapIdentity(from, { keyId: 'new', wrappedKey: 'rewrapped' }))).toBe(true);
        expect(await given((tx) => tx.reporters.rewrapIdentity(from, { keyId: 'new', wrappedKey: 'again' }))).toBe(false);
        expect(await store.read((tx) => tx.reporters.identityOf(b.id))).toMatchObject({ keyId: 'new', wrappedKey: 'rewrapped', sealedFields: sealedRow(b.id, 'old').sealedFields });
        expect(await store.read((tx) => tx.reporters.wrappedWithOtherKey('new', '', 10))).toEqual([]);
      });

      test('a receipt leads to its clue; messages come back in order; the identity is kept apart', async () => {
        const clue = await givenCase({ id: 'clue-1', type: 'clue', state: 'received' });
        const other = await givenCase({ id: 'clue-2', type: 'clue', state: 'received' });
        await given(async (tx) => {
          await tx.reporters.insertReceipt({ codeHash: 'receipt-hash-1', caseId: clue.id, createdAt: T0 });
          await tx.reporters.insertIdentity(sealedRow(clue.id, 'k1'));
        });
        expect(await store.read((tx) => tx.reporters.caseForReceipt('receipt-hash-1'))).toBe(clue.id);
        expect(await store.read((tx) => tx.reporters.caseForReceipt('unknown-hash'))).toBeUndefined();
        expect(await store.read((tx) => tx.reporters.identityOf(clue.id))).toEqual(sealedRow(clue.id, 'k1'));
        expect(await store.read((tx) => tx.reporters.identityOf(other.id))).toBeUndefined();

        const first = await given((tx) => tx.reporters.addMessage({ caseId: clue.id, body: 'He took the money on Monday.', receivedAt: T0 + DAY }));
        await given((tx) => tx.reporters.addMessage({ caseId: other.id, body: 'Unrelated.', receivedAt: T0 + DAY }));
        const second = await given((tx) => tx.reporters.addMessage({ caseId: clue.id, body: 'And again on Friday.', receivedAt: T0 + 2 * DAY }));
        expect(second).toBeGreaterThan(first);
        expect(await store.read((tx) => tx.reporters.messagesOf(clue.id))).toEqual([
          { id: first, caseId: clue.id, body: 'He took the money on Monday.', receivedAt: T0 + DAY },
          { id: second, caseId: clue.id, body: 'And again on Friday.', receivedAt: T0 + 2 * DAY },
        ]);
      });

      test('a clue has one receipt, and a receipt one clue', async () => {
        const clue = await givenCase({ id: 'clue-1', type: 'clue' });
        const other = await givenCase({ id: 'clue-2', type: 'clue' });
        await given((tx) => tx.reporters.insertReceipt({ codeHash: 'h1', caseId: clue.id, createdAt: T0 }));
        await expect(given((tx) => tx.reporters.insertReceipt({ codeHash: 'h2', caseId: clue.id, createdAt: T0 }))).rejects.toHaveProperty('message', expect.any(String)); // a driver error (from another realm under jest, so not toThrow)
        await expect(given((tx) => tx.reporters.insertReceipt({ codeHash: 'h1', caseId: other.id, createdAt: T0 }))).rejects.toHaveProperty('message', expect.any(String)); // a driver error (from another realm under jest, so not toThrow)
        expect(await store.read((tx) => tx.reporters.caseForReceipt('h1'))).toBe(clue.id);
        expect(await store.read((tx) => tx.reporters.caseForReceipt('h2'))).toBeUndefined();
      });
    });

    describe('warning cards', () => {
      test('issueCard issues once per deadline and step', async () => {
        const d = await givenDeadline(await givenCase());
        expect(await given((tx) => tx.deadlines.issueCard(aCard(d, { step: 'overdue', warning: 'yellow' })))).toBe(true);
        expect(await given((tx) => tx.deadlines.issueCard(aCard(d, { step: 'overdue', warning: 'red', issuedAt: T0 + HOUR })))).toBe(false);
        expect(await given((tx) => tx.deadlines.issueCard(aCard(d, { step: 'escalated', warning: 'red', issuedAt: T0 + HOUR })))).toBe(true);
        const counts = await store.read((tx) => tx.supervision.warningCardCounts({ since: T0, until: T0 + DAY }, {}));
        expect(counts).toEqual([{ unit: 'Water Bureau', blue: 0, yellow: 1, red: 1 }]);
      });
    });

    describe('card consequences', () => {
      const aConsequence = (caseId: string, overrides: Partial<CardConsequenceRecord> = {}): CardConsequenceRecord => ({
        caseId,
        unit: 'Water Bureau',
        kind: 'unitHeadTalk',
        period: '2026-11',
        triggeredBy: JSON.stringify([{ cardDeadlineId: 'd', caseId: 'case-1', warning: 'red', step: 'escalate', issuedAt: new Date(T0).toISOString() }]),
        action: 'Hold a talk with the head of Water Bureau',
        pointsOff: 0,
        basis: 'Local card schemes',
        dueAt: T0 + 7 * DAY,
        createdAt: T0 + HOUR,
        ...overrides,
      });

      test('cardsOfUnit reads one unit’s cards in [since, until), oldest first; lastMetAt is its latest deadline met', async () => {
        const water = await givenCase();
        const other = await givenCase({ id: 'c-other', unit: 'Audit Office' });
        const d1 = await givenDeadline(water, { kind: 'a' });
        const d2 = await givenDeadline(water, { kind: 'b' });
        const d3 = await givenDeadline(other, { kind: 'c' });
        await given(async (tx) => {
          await tx.deadlines.issueCard(aCard(d2, { step: 'overdue', warning: 'yellow', issuedAt: T0 + 2 * HOUR }));
          await tx.deadlines.issueCard(aCard(d1, { step: 'overdue', warning: 'yellow', issuedAt: T0 + HOUR }));
          await tx.deadlines.issueCard(aCard(d1, { step: 'escalate', warning: 'red', issuedAt: T0 + DAY }));
          await tx.deadlines.issueCard({ ...aCard(d3, { step: 'overdue', warning: 'yellow', issuedAt: T0 + HOUR }), unit: 'Audit Office' });
        });
        const cards = await store.read((tx) => tx.consequences.cardsOfUnit('Water Bureau', T0, T0 + DAY));
        expect(cards.map((c) => `${c.deadlineId}:${c.step}`)).toEqual([`${d1.id}:overdue`, `${d2.id}:overdue`]);
        expect(await store.read((tx) => tx.consequences.lastMetAt('Water Bureau'))).toBeNull();
        await given(async (tx) => {
          await tx.deadlines.close({ id: d2.id, status: 'met', closedAt: T0 + 3 * HOUR, latenessMs: -HOUR });
          await tx.deadlines.close({ id: d3.id, status: 'met', closedAt: T0 + 5 * HOUR, latenessMs: -HOUR });
        });
        expect(await store.read((tx) => tx.consequences.lastMetAt('Water Bureau'))).toBe(T0 + 3 * HOUR);
      });

      test('a consequence is stored with its case’s status; ofUnit oldest first, list by period newest first', async () => {
        const first = await givenCase({ id: 'SA-1', type: 'supervisionAction', unit: null, state: 'due' });
        const second = await givenCase({ id: 'SA-2', type: 'supervisionAction', unit: null, state: 'due' });
        await given(async (tx) => {
          await tx.consequences.holdUnit('Water Bureau');
          await tx.consequences.insert(aConsequence(first.id));
          await tx.consequences.insert(aConsequence(second.id, { kind: 'formalLetter', pointsOff: 2, createdAt: T0 + 2 * HOUR }));
        });
        await given((tx) => tx.cases.update({ ...first, status: 'closed', state: 'done', version: 2, closedAt: T0 + DAY }, 1));
        const rows = await store.read((tx) => tx.consequences.ofUnit('Water Bureau'));
        expect(rows).toEqual([
          { ...aConsequence(first.id), status: 'closed', closedAt: T0 + DAY },
          { ...aConsequence(second.id, { kind: 'formalLetter', pointsOff: 2, createdAt: T0 + 2 * HOUR }), status: 'open', closedAt: null },
        ]);
        const listed = await store.read((tx) => tx.consequences.list({ since: T0, until: T0 + DAY }, { limit: 10 }));
        expect(listed.map((r) => r.caseId)).toEqual(['SA-2', 'SA-1']);
        expect(await store.read((tx) => tx.consequences.list({ since: T0 + 2 * HOUR, until: T0 + DAY }, { limit: 10 }))).toHaveLength(1);
        expect(await store.read((tx) => tx.consequences.list({ since: T0, until: T0 + DAY }, { unit: 'Audit Office', limit: 10 }))).toEqual([]);
        expect(await store.read((tx) => tx.consequences.ofUnit('Audit Office'))).toEqual([]);
      });
    });

    describe('the supervision read model', () => {
      const period = { since: T0, until: T0 + 30 * DAY };
      const byUnit = <T extends { unit: string | null }>(rows: readonly T[]) => [...rows].sort((x, y) => String(x.unit).localeCompare(String(y.unit)));

      test('overdue lists past-due running deadlines, most overdue first, with their case', async () => {
        const now = T0 + 20 * DAY;
        const water = await givenCase({ id: 'c-water', unit: 'Water Bureau', assignee: 'zhou.min', state: 'planDue' });
        const audit = await givenCase({ id: 'c-audit', unit: 'Audit Office', assignee: null, type: 'clue', state: 'screening.acceptance' });
        const lateWater = await givenDeadline(water, { kind: 'planDue', dueAt: now - DAY, warning: 'yellow', escalationLevel: 1 });
        const lateAudit = await givenDeadline(audit, { kind: 'acceptance', dueAt: now - 3 * DAY, status: 'overdue', warning: 'red', escalationLevel: 2 });
        await givenDeadline(water, { kind: 'reviewDue', dueAt: now + DAY });
        await givenDeadline(water, { kind: 'publicNotice', dueAt: now - 2 * DAY, period: true });
        await givenDeadline(audit, { kind: 'verification', dueAt: now - 2 * DAY, suspendedAt: now - 5 * DAY, nextFireAt: null });
        await givenDeadline(audit, { kind: 'closedOne', dueAt: now - 4 * DAY, ...closedAt(now - DAY, 'overdue', 3 * DAY) });

        const overdue = await store.read((tx) => tx.supervision.overdue(now, { limit: 10 }));
        expect(overdue).toEqual([
          {
            caseId: 'c-audit',
            type: 'clue',
            state: 'screening.acceptance',
            unit: 'Audit Office',
            assignee: null,
            deadlineId: lateAudit.id,
            deadlineKind: 'acceptance',
            dueAt: now - 3 * DAY,
            originalDueAt: now - 3 * DAY,
            warning: 'red',
            escalationLevel: 2,
            spec: lateAudit.spec,
            timeZone: lateAudit.timeZone,
          },
          {
            caseId: 'c-water',
            type: 'rectification',
            state: 'planDue',
            unit: 'Water Bureau',
            assignee: 'zhou.min',
            deadlineId: lateWater.id,
            deadlineKind: 'planDue',
            dueAt: now - DAY,
            originalDueAt: now - DAY,
            warning: 'yellow',
            escalationLevel: 1,
            spec: lateWater.spec,
            timeZone: lateWater.timeZone,
          },
        ]);
        expect((await store.read((tx) => tx.supervision.overdue(now, { limit: 1 }))).map((o) => o.caseId)).toEqual(['c-audit']);
        expect((await store.read((tx) => tx.supervision.overdue(now, { limit: 10, unit: 'Water Bureau' }))).map((o) => o.caseId)).toEqual(['c-water']);
        expect((await store.read((tx) => tx.supervision.overdue(now, { limit: 10, type: 'clue' }))).map((o) => o.caseId)).toEqual(['c-audit']);
        expect((await store.read((tx) => tx.supervision.overdue(now, { limit: 10, warning: 'yellow' }))).map((o) => o.caseId)).toEqual(['c-water']);
        expect((await store.read((tx) => tx.supervision.overdue(now, { limit: 10, escalationLevel: 2 }))).map((o) => o.caseId)).toEqual(['c-audit']);
        expect(await store.read((tx) => tx.supervision.overdue(now, { limit: 10, warning: 'red', escalationLevel: 1 }))).toEqual([]);
      });

      test('overdue keeps a deadline that lapsed and was extended since (status overdue, due again later), with its original due moment', async () => {
        const now = T0 + 20 * DAY;
        const water = await givenCase({ id: 'c-water', unit: 'Water Bureau' });
        const lapsed = await givenDeadline(water, { kind: 'planDue', originalDueAt: now - DAY, dueAt: now + DAY, status: 'overdue' });
        await givenDeadline(water, { kind: 'reviewDue', originalDueAt: now - DAY, dueAt: now + DAY, status: 'pending' });
        const overdue = await store.read((tx) => tx.supervision.overdue(now, { limit: 10 }));
        expect(overdue.map((o) => [o.deadlineId, o.dueAt, o.originalDueAt])).toEqual([[lapsed.id, now + DAY, now - DAY]]);
      });

      test('overdue with notAbout leaves out cases about that official', async () => {
        const now = T0 + 20 * DAY;
        await givenDeadline(await givenCase({ id: 'c-about', subjectId: 'wang.fang' }), { dueAt: now - DAY });
        await givenDeadline(await givenCase({ id: 'c-nobody', subjectId: null }), { dueAt: now - DAY });
        expect((await store.read((tx) => tx.supervision.overdue(now, { limit: 10, notAbout: 'wang.fang' }))).map((o) => o.caseId)).toEqual(['c-nobody']);
      });

      test('closedDeadlineCounts counts met and late per unit within the period', async () => {
        const water = await givenCase({ id: 'c-water', unit: 'Water Bureau' });
        const audit = await givenCase({ id: 'c-audit', unit: 'Audit Office' });
        const parks = await givenCase({ id: 'c-parks', unit: 'Parks Department' });
        const close = (owner: CaseRecord, kind: string, status: 'met' | 'overdue' | 'cancelled', at: number) =>
          givenDeadline(owner, { kind, ...closedAt(at, status, status === 'overdue' ? HOUR : 0) });
        await close(water, 'k1', 'met', T0 + DAY);
        await close(water, 'k2', 'met', T0 + 2 * DAY);
        await close(water, 'k3', 'overdue', T0 + 3 * DAY);
        await close(water, 'k4', 'met', period.until); // the period ends before this
        await close(water, 'k5', 'met', period.since - 1);
        await close(audit, 'k1', 'overdue', period.since); // the period starts with this
        await close(parks, 'k1', 'cancelled', T0 + DAY); // neither met nor late
        await givenDeadline(water, { kind: 'k6', running: true }); // still running

        const counts = await store.read((tx) => tx.supervision.closedDeadlineCounts(period, {}));
        expect(byUnit(counts)).toEqual([
          { owner: 'unit', unit: 'Audit Office', met: 0, late: 1 },
          { owner: 'unit', unit: 'Water Bureau', met: 2, late: 1 },
        ]);
        expect(await store.read((tx) => tx.supervision.closedDeadlineCounts(period, { unit: 'Water Bureau' }))).toEqual([{ owner: 'unit', unit: 'Water Bureau', met: 2, late: 1 }]);
      });

      test('warningCardCounts counts cards per unit and colour within the period; escalations lists red ones newest first', async () => {
        const water = await givenDeadline(await givenCase({ id: 'c-water', unit: 'Water Bureau' }));
        const audit = await givenDeadline(await givenCase({ id: 'c-audit', unit: 'Audit Office', subjectId: 'wang.fang' }));
        await given(async (tx) => {
          await tx.deadlines.issueCard(aCard(water, { step: 'remind', warning: 'blue', issuedAt: T0 + DAY }));
          await tx.deadlines.issueCard(aCard(water, { step: 'overdue', warning: 'yellow', issuedAt: T0 + 2 * DAY }));
          await tx.deadlines.issueCard(aCard(water, { step: 'escalated', warning: 'red', issuedAt: T0 + 3 * DAY }));
          await tx.deadlines.issueCard(aCard(audit, { step: 'overdue', warning: 'yellow', issuedAt: T0 + DAY }));
          await tx.deadlines.issueCard(aCard(audit, { step: 'escalated', warning: 'red', issuedAt: T0 + 4 * DAY }));
          await tx.deadlines.issueCard(aCard(audit, { step: 'later', warning: 'red', issuedAt: period.until }));
        });
        const counts = await store.read((tx) => tx.supervision.warningCardCounts(period, {}));
        expect(byUnit(counts)).toEqual([
          { unit: 'Audit Office', blue: 0, yellow: 1, red: 1 },
          { unit: 'Water Bureau', blue: 1, yellow: 1, red: 1 },
        ]);
        const audited = await store.read((tx) => tx.supervision.warningCardCounts(period, { unit: 'Audit Office' }));
        expect(audited).toEqual([{ unit: 'Audit Office', blue: 0, yellow: 1, red: 1 }]);

        const escalations = await store.read((tx) => tx.supervision.escalations(period, { limit: 10 }));
        expect(escalations).toEqual([
          { caseId: 'c-audit', deadlineId: audit.id, unit: 'Audit Office', step: 'escalated', issuedAt: T0 + 4 * DAY },
          { caseId: 'c-water', deadlineId: water.id, unit: 'Water Bureau', step: 'escalated', issuedAt: T0 + 3 * DAY },
        ]);
        expect((await store.read((tx) => tx.supervision.escalations(period, { limit: 10, notAbout: 'wang.fang' }))).map((e) => e.caseId)).toEqual(['c-water']);
        expect((await store.read((tx) => tx.supervision.escalations(period, { limit: 10, unit: 'Audit Office' }))).map((e) => e.caseId)).toEqual(['c-audit']);
      });

      test('stateCounts counts open cases per type and state', async () => {
        await givenCase({ id: 'c-1', type: 'rectification', state: 'planDue' });
        await givenCase({ id: 'c-2', type: 'rectification', state: 'planDue' });
        await givenCase({ id: 'c-3', type: 'rectification', state: 'planReview' });
        await givenCase({ id: 'c-4', type: 'clue', state: 'screening.acceptance' });
        await givenCase({ id: 'c-5', type: 'clue', state: 'closed', status: 'closed', closedAt: T0 });
        const order = (rows: readonly { type: string; state: string }[]) => [...rows].sort((x, y) => `${x.type}/${x.state}`.localeCompare(`${y.type}/${y.state}`));
        expect(order(await store.read((tx) => tx.supervision.stateCounts({})))).toEqual([
          { type: 'clue', state: 'screening.acceptance', count: 1 },
          { type: 'rectification', state: 'planDue', count: 2 },
          { type: 'rectification', state: 'planReview', count: 1 },
        ]);
        expect(order(await store.read((tx) => tx.supervision.stateCounts({ type: 'clue' })))).toEqual([{ type: 'clue', state: 'screening.acceptance', count: 1 }]);
      });
    });

    describe('reads and the dump', () => {
      test('read sees one committed state while a writer commits', async () => {
        const v1 = await givenCase();
        const v2 = { ...v1, state: 'planReview', version: 2, updatedAt: T0 + HOUR };
        let writing: Promise<boolean> | undefined;
        const [first, second, events] = await store.read(async (tx) => {
          const seenFirst = await tx.cases.byId(v1.id);
          writing = store.withTransaction(async (w) => {
            await w.events.append(anEvent(v2, { version: 2 }));
            return w.cases.update(v2, 1);
          });
          // give the writer time to commit, where the store lets it commit during a read
          await Promise.race([writing, delay(100)]);
          return [seenFirst, await tx.cases.byId(v1.id), await tx.events.ofCase(v1.id)] as const;
        });
        expect(first).toEqual(v1);
        expect(second).toEqual(v1);
        expect(events).toEqual([]);
        expect(await writing).toBe(true);
        expect(await caseNow(v1.id)).toEqual(v2);
      });

      test('read is read-only: a write inside it is refused and leaves nothing', async () => {
        const before = await store.dumpAll();
        await expect(store.read((tx) => tx.cases.insert(aCase({ id: 'sneaked-in' })))).rejects.toHaveProperty('message', expect.any(String)); // a driver error (from another realm under jest, so not toThrow)
        expect(await store.dumpAll()).toEqual(before);
      });

      test('dumpAll lists every table: a fresh store has only empty tables, and each kind of write shows up', async () => {
        const empty = await store.dumpAll();
        expect(Object.keys(empty).length).toBeGreaterThan(0);
        expect(Object.values(empty).every((rows) => rows.length === 0)).toBe(true);

        const owner = aCase();
        const deadline = aDeadline(owner);
        let userId = 0;
        const writes: Array<[string, (tx: Tx) => Promise<unknown>]> = [
          ['a case', (tx) => tx.cases.insert(owner)],
          ['a log entry', (tx) => tx.events.append(anEvent(owner))],
          ['a deadline', (tx) => tx.deadlines.insert(deadline)],
          ['a warning card', (tx) => tx.deadlines.issueCard(aCard(deadline))],
          ['a notice', (tx) => tx.notifications.insert(aNotice(deadline))],
          ['a user', async (tx) => (userId = (await tx.accounts.insertUser({ name: 'wang.fang', role: 'intakeClerk', createdAt: T0 })).id)],
          ['a token', (tx) => tx.accounts.insertToken({ id: 'tok-1', userId, tokenHash: 'hash-1', label: null, createdAt: T0 })],
          ['a password', (tx) => tx.accounts.setPasswordHash(userId, '$argon2id$hash', T0)],
          ['a web session', (tx) => tx.accounts.insertSession({ idHash: 'session-1', userId, csrfToken: 'csrf-1', createdAt: T0, lastSeenAt: T0 })],
          ['a reporter identity', (tx) => tx.reporters.insertIdentity(sealedRow(owner.id, 'k1'))],
          ['a receipt', (tx) => tx.reporters.insertReceipt({ codeHash: 'receipt-1', caseId: owner.id, createdAt: T0 })],
          ['a reporter message', (tx) => tx.reporters.addMessage({ caseId: owner.id, body: 'more', receivedAt: T0 })],
          ['an on-time day', (tx) => tx.onTime.add([{ dayStart: T0, owner: 'unit', unit: 'Water Bureau', met: 1, late: 0 }])],
          [
            'a card consequence',
            (tx) =>
              tx.consequences.insert({ caseId: owner.id, unit: 'Water Bureau', kind: 'formalLetter', period: '2026-11', triggeredBy: '[]', action: 'A formal letter', pointsOff: 2, basis: 'b', dueAt: T0, createdAt: T0 }),
          ],
          [
            'a calendar year',
            (tx) =>
              tx.calendarYears.put({ calendar: 'cn-mainland', year: 2027, holidays: '[]', makeupWorkdays: '[]', source: 's', importedBy: 'root.admin', importedAt: T0 }),
          ],
        ];
        for (const [what, write] of writes) {
          const before = await rowCount(store);
          await given(write);
          expect({ what, rows: await rowCount(store) }).toEqual({ what, rows: before + 1 });
        }
        const full = await store.dumpAll();
        expect(Object.keys(full).sort()).toEqual(Object.keys(empty).sort());
        expect(Object.entries(full).filter(([, rows]) => rows.length === 0).map(([table]) => table)).toEqual([]);
      });

      test('dumpAll lists rows in insertion order', async () => {
        for (const id of ['c-3', 'c-1', 'c-2']) await givenCase({ id });
        const dump = await store.dumpAll();
        const caseTable = Object.values(dump).find((rows) => rows.length === 3);
        expect(caseTable?.map((row) => (row as { id?: unknown }).id)).toEqual(['c-3', 'c-1', 'c-2']);
      });
    });

    describe('the on-time rollup', () => {
      test('add sums the counts of the same office day, owner and unit', async () => {
        const day = officeDayStart(T0);
        await given((tx) => tx.onTime.add([{ dayStart: day, owner: 'unit', unit: 'Water Bureau', met: 2, late: 1 }]));
        await given((tx) =>
          tx.onTime.add([
            { dayStart: day, owner: 'unit', unit: 'Water Bureau', met: 1, late: 0 },
            { dayStart: day, owner: 'office', unit: '', met: 0, late: 3 },
          ]),
        );
        expect(await store.read((tx) => tx.onTime.counts({ since: day, until: day + DAY }, {}))).toEqual([
          { owner: 'unit', unit: 'Water Bureau', met: 3, late: 1 },
          { owner: 'office', unit: null, met: 0, late: 3 },
        ]);
        expect(await store.read((tx) => tx.onTime.counts({ since: day + DAY, until: day + 2 * DAY }, {}))).toEqual([]);
      });

      test('after a random mix of met, late and extended deadlines, the rollup equals the scan of closed deadlines it replaces', async () => {
        for (const seed of [1, 2, 3]) {
          const random = seeded(seed);
          const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
          const units = ['Water Bureau', 'Audit Office', 'Housing Bureau', null];
          const rows: DeadlineRecord[] = [];
          for (let i = 0; i < 40; i++) {
            const owner = await givenCase({ id: `c-${seed}-${i}`, unit: pick(units) });
            const dueAt = T0 + Math.floor(random() * 20 * DAY);
            // an extended one lapsed first (overdue) and is due again later: it closes late however early
            const extended = random() < 0.25;
            rows.push(
              await givenDeadline(owner, {
                owner: random() < 0.4 ? 'office' : 'unit',
                originalDueAt: dueAt,
                dueAt: extended ? dueAt + 30 * DAY : dueAt,
                status: extended ? 'overdue' : 'pending',
              }),
            );
          }
          // closed in batches, each at one moment, through the decide step and the one writer
          for (let start = 0; start < rows.length; ) {
            const batch = rows.slice(start, (start += 1 + Math.floor(random() * 5)));
            const at = T0 + Math.floor(random() * 25 * DAY);
            const closings = closedDeadlines(batch, new Set(), at);
            await given((tx) => writePlan(tx, { ...emptyPlan(), closeDeadlines: closings, onTime: onTimeTallies(batch, closings) }));
          }
          const reports = new SupervisionReports(store);
          for (let k = 0; k < 12; k++) {
            const since = officeDayStart(T0 - 2 * DAY + Math.floor(random() * 26 * DAY));
            const days = { since, until: officeDayStart(since + (1 + Math.floor(random() * 20)) * DAY + HOUR) };
            const filter = k % 3 === 0 ? { unit: pick(units.slice(0, 3)) as string } : {};
            const scanned = await store.read((tx) => tx.supervision.closedDeadlineCounts(days, filter));
            expect({ seed, days, filter, counts: await store.read((tx) => tx.onTime.counts(days, filter)) }).toEqual({ seed, days, filter, counts: scanned });
            // a period cut mid-day: whole days from the rollup, the partial ones from the scan, the same answer
            const cut = { since: days.since + Math.floor(random() * DAY), until: days.until + Math.floor(random() * DAY) };
            const rates = (await reports.onTimeRates(cut, filter)).map(({ rate: _rate, ...counts }) => counts);
            expect({ seed, cut, rates }).toEqual({ seed, cut, rates: await store.read((tx) => tx.supervision.closedDeadlineCounts(cut, filter)) });
          }
          // the rebuild from closed deadlines (the backfill) writes exactly the rows the writer kept
          const kept = await store.read((tx) => tx.onTime.counts({ since: 0, until: T0 + 100 * DAY }, {}));
          const dayRows = async () => ((await store.dumpAll()).on_time_days ?? []).map((row) => JSON.stringify(row)).sort();
          const before = await dayRows();
          await given((tx) => tx.onTime.rebuild(officeUtcOffsetMs(T0)));
          expect(await dayRows()).toEqual(before);
          expect(await store.read((tx) => tx.onTime.counts({ since: 0, until: T0 + 100 * DAY }, {}))).toEqual(kept);
        }
      });
    });
  });

  for (const title of skipped) {
    if (!titles.has(title)) throw new Error(`store contract: "${title}" is skipped but no test has that title`);
  }
}
