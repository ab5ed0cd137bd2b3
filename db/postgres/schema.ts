/**
 * caseflow's PostgreSQL schema: the same tables, columns, indexes and foreign keys as
 * db/sqlite/schema.ts (and `deadlines.seq`, the write order that SQLite's rowid gives). Times are epoch milliseconds in `bigint` columns (read as JS numbers: every
 * one is below 2^53); snapshots, payloads and deadline definitions are `jsonb`, handed over as JSON
 * text both ways (see `jsonText`); flags are real booleans; the SQLite autoincrement ids are identity
 * columns. The row types are checked against db/records.ts at the end of this file.
 */
import { sql } from 'drizzle-orm';
import { bigint, boolean, customType, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type * as records from '../records';
import { CASE_EVENT_KINDS, IDENTITY_STEPS_CONDITION } from '../records';
import { GENESIS } from '../chain';

/**
 * A `jsonb` column whose value is JSON text, as in the records. The text is sent as it is (PostgreSQL
 * parses a text parameter into jsonb) and read back as text: the pool's type parsers (connection.ts)
 * leave jsonb unparsed. jsonb normalises what it stores (key order, white space), so the text read
 * back is equivalent JSON, not necessarily the same bytes.
 */
const jsonText = customType<{ data: string; driverData: string }>({
  dataType: () => 'jsonb',
  toDriver: (value) => value,
  fromDriver: (value) => value,
});

/** Epoch milliseconds (or a duration in ms), as a JS number. */
const ms = (name: string) => bigint(name, { mode: 'number' });
/** A numbered row's id: an identity column, read as a JS number. */
const serialId = () => bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity();

/** One row per case: the current machine snapshot, guarded by `version` (optimistic concurrency). */
export const cases = pgTable(
  'cases',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    machineVersion: integer('machine_version').notNull(),
    state: text('state').notNull(),
    status: text('status', { enum: ['open', 'closed'] }).notNull(),
    snapshot: jsonText('snapshot').notNull(),
    version: integer('version').notNull(),
    unit: text('unit'),
    assignee: text('assignee'),
    subjectId: text('subject_id'),
    timeZone: text('time_zone').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    closedAt: ms('closed_at'),
    /** The case log's chain head (db/chain.ts): how many entries it has, and the last one's hash; moved by the one writer. */
    chainSeq: integer('chain_seq').notNull().default(0),
    chainHead: text('chain_head').notNull().default(GENESIS),
  },
  (t) => [
    index('cases_status_type_state').on(t.status, t.type, t.state),
    index('cases_unit_created').on(t.unit, t.createdAt, t.id),
    index('cases_assignee').on(t.assignee),
    index('cases_subject').on(t.subjectId),
    index('cases_created').on(t.createdAt, t.id),
  ],
);

/** The append-only log: every change to a case, who made it, when, and what it moved. */
export const caseEvents = pgTable(
  'case_events',
  {
    id: serialId(),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    /** The case version after this entry (entries that do not move the machine keep it). */
    version: integer('version').notNull(),
    kind: text('kind', { enum: CASE_EVENT_KINDS }).notNull(),
    type: text('type').notNull(),
    actorId: text('actor_id').notNull(),
    actorRole: text('actor_role').notNull(),
    at: ms('at').notNull(),
    payload: jsonText('payload').notNull(),
    fromState: text('from_state'),
    toState: text('to_state'),
    /** The entry's link in its case's hash chain (db/chain.ts); null only on a row written outside caseflow's writer. */
    seq: integer('seq'),
    prevHash: text('prev_hash'),
    hash: text('hash'),
  },
  (t) => [index('case_events_case').on(t.caseId, t.id), index('case_events_identity_steps').on(t.id).where(sql.raw(IDENTITY_STEPS_CONDITION))],
);

/**
 * A running or closed time limit. The row is the truth; a BullMQ delayed job only wakes a worker
 * at `nextFireAt`. `scheduleRev` changes whenever the schedule moves; `dispatchedRev` is the revision
 * already in Redis, so rows with `dispatchedRev IS DISTINCT FROM scheduleRev` form the outbox.
 */
export const deadlines = pgTable(
  'deadlines',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    caseType: text('case_type').notNull(),
    unit: text('unit'),
    kind: text('kind').notNull(),
    /** Whose on-time rate the deadline counts in: the case's unit, or the office (DeadlineSpec.owner). */
    owner: text('owner', { enum: ['unit', 'office'] }).notNull().default('unit'),
    stateId: text('state_id').notNull(),
    basis: text('basis').notNull(),
    timeZone: text('time_zone').notNull(),
    /** The DeadlineSpec (limit + ladder) this row was made from, as JSON. */
    spec: jsonText('spec').notNull(),
    baseAt: ms('base_at').notNull(),
    originalDueAt: ms('original_due_at').notNull(),
    dueAt: ms('due_at').notNull(),
    status: text('status', { enum: ['pending', 'met', 'overdue', 'cancelled'] }).notNull(),
    /** True while the state the deadline belongs to is still active. */
    running: boolean('running').notNull(),
    /** A minimum period (public notice, probation): its end is expected, never counted as missed. */
    period: boolean('period').notNull().default(false),
    warning: text('warning', { enum: ['none', 'blue', 'yellow', 'red'] }).notNull(),
    escalationLevel: integer('escalation_level').notNull(),
    nextStep: integer('next_step').notNull(),
    nextFireAt: ms('next_fire_at'),
    scheduleRev: integer('schedule_rev').notNull(),
    dispatchedRev: integer('dispatched_rev'),
    /** Until when (epoch ms) a dispatcher holds this row's wake-up (a claim's lease); null when unclaimed. */
    dispatchLeaseUntil: ms('dispatch_lease_until'),
    suspendedAt: ms('suspended_at'),
    closedAt: ms('closed_at'),
    latenessMs: ms('lateness_ms'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    /**
     * PostgreSQL only, not in the record: the order rows were written in, so that deadlines opened in
     * the same millisecond list in that order, as SQLite's rowid gives (a row's physical place, ctid,
     * moves when it is updated). Read by `ofCase`'s ORDER BY only.
     */
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
  },
  (t) => [
    index('deadlines_case').on(t.caseId, t.running),
    index('deadlines_status_due').on(t.status, t.dueAt),
    // a unit's running deadlines by due time: the supervisor's overdue list of one unit
    index('deadlines_unit_running_due').on(t.unit, t.dueAt, t.id).where(sql`${t.running} = true`),
    // every running deadline by due time: the overdue board across units reads its first rows and stops
    index('deadlines_running_due').on(t.dueAt, t.id).where(sql`${t.running} = true`),
    index('deadlines_next_fire')
      .on(t.nextFireAt)
      .where(sql`${t.running} = true AND ${t.nextFireAt} IS NOT NULL`),
    // covers the scan of closed deadlines (a partial day of an on-time rate): by unit, outcome and owner, without touching the table
    index('deadlines_closed').on(t.closedAt, t.unit, t.status, t.owner).where(sql`${t.running} = false`),
    // a unit's last met limit (where its run of red cards starts): one index step, not a scan of every met deadline
    index('deadlines_unit_met').on(t.unit, t.closedAt).where(sql`${t.status} = 'met'`),
    index('deadlines_outbox')
      .on(t.id)
      .where(sql`${t.running} = true AND ${t.nextFireAt} IS NOT NULL AND ${t.dispatchedRev} IS DISTINCT FROM ${t.scheduleRev}`),
  ],
);

/** A coloured warning card issued to a unit when a ladder step fires: what supervisors count. */
export const warningCards = pgTable(
  'warning_cards',
  {
    id: serialId(),
    deadlineId: text('deadline_id')
      .notNull()
      .references(() => deadlines.id),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    unit: text('unit'),
    warning: text('warning', { enum: ['blue', 'yellow', 'red'] }).notNull(),
    step: text('step').notNull(),
    issuedAt: ms('issued_at').notNull(),
  },
  (t) => [
    index('warning_cards_unit_issued').on(t.unit, t.issuedAt),
    index('warning_cards_issued').on(t.issuedAt, t.warning),
    uniqueIndex('warning_cards_step').on(t.deadlineId, t.step),
  ],
);

/**
 * A named reporter's identity, kept apart from the case body so it never travels with the case, and
 * sealed (src/privacy/identitySeal.ts): `sealed_fields` holds each field encrypted under the
 * identity's data key, `wrapped_key` that data key wrapped by the key `key_id` names. `name` and
 * `contact` are only ever filled on rows written by a caseflow before sealing; the first start with
 * a key (or `caseflow keys rotate`) seals them and empties both.
 */
export const reporterIdentities = pgTable('reporter_identities', {
  caseId: text('case_id')
    .primaryKey()
    .references(() => cases.id),
  name: text('name'),
  contact: text('contact'),
  keyId: text('key_id'),
  wrappedKey: text('wrapped_key'),
  sealedFields: text('sealed_fields'),
  createdAt: ms('created_at').notNull(),
});

/** Notifications written by ladder steps, then sent through a pluggable sender. */
export const notifications = pgTable(
  'notifications',
  {
    id: serialId(),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    deadlineId: text('deadline_id').references(() => deadlines.id),
    /** The ladder step that wrote it (e.g. `overdue`), or null for other notices. */
    step: text('step'),
    recipient: text('recipient').notNull(),
    warning: text('warning'),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    /** `sending` while one notifier holds it (since `claimedAt`), so several workers never send it twice. */
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] }).notNull(),
    claimedAt: ms('claimed_at'),
    attempts: integer('attempts').notNull(),
    lastError: text('last_error'),
    createdAt: ms('created_at').notNull(),
    sentAt: ms('sent_at'),
  },
  (t) => [
    index('notifications_pending')
      .on(t.createdAt)
      .where(sql`${t.status} = 'pending'`),
    uniqueIndex('notifications_step').on(t.deadlineId, t.step, t.recipient),
  ],
);

/** A person who uses the API. `name` is their actor id (e.g. `wang.fang`), matched against a case's subject. */
export const users = pgTable('users', {
  id: serialId(),
  name: text('name').notNull().unique(),
  role: text('role').notNull(),
  createdAt: ms('created_at').notNull(),
  disabledAt: ms('disabled_at'),
});

/** An API token: only its SHA-256 hash is kept; the token itself is shown once, when created. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    /** A public handle for listing and revoking, never the secret. */
    id: text('id').primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    tokenHash: text('token_hash').notNull().unique(),
    label: text('label'),
    createdAt: ms('created_at').notNull(),
    revokedAt: ms('revoked_at'),
  },
  (t) => [index('api_tokens_user').on(t.userId)],
);

/** A user's sign-in password for the web app: an Argon2id hash (PHC string), never the password. */
export const userPasswords = pgTable('user_passwords', {
  userId: bigint('user_id', { mode: 'number' })
    .primaryKey()
    .references(() => users.id),
  hash: text('hash').notNull(),
  updatedAt: ms('updated_at').notNull(),
});

/** A signed-in web session: only the SHA-256 hash of the cookie's random id is kept. */
export const webSessions = pgTable(
  'web_sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: bigint('user_id', { mode: 'number' })
      .notNull()
      .references(() => users.id),
    /** The token every form of this session carries (CSRF). */
    csrfToken: text('csrf_token').notNull(),
    createdAt: ms('created_at').notNull(),
    /** The last request of the session: it expires when idle for longer than the idle limit. */
    lastSeenAt: ms('last_seen_at').notNull(),
  },
  (t) => [index('web_sessions_user').on(t.userId)],
);

/** A reporter's receipt for a clue filed in public: only the SHA-256 hash of the code is kept. */
export const reporterReceipts = pgTable('reporter_receipts', {
  codeHash: text('code_hash').primaryKey(),
  caseId: text('case_id')
    .notNull()
    .unique()
    .references(() => cases.id),
  createdAt: ms('created_at').notNull(),
});

/** Information a reporter added later with their receipt; caseworkers read it, the reporter only gets an acknowledgement. */
export const reporterMessages = pgTable(
  'reporter_messages',
  {
    id: serialId(),
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id),
    body: text('body').notNull(),
    receivedAt: ms('received_at').notNull(),
  },
  (t) => [index('reporter_messages_case').on(t.caseId, t.id)],
);

/** Years of holiday data imported after the calendar shipped; one row per calendar and year. */
export const calendarYears = pgTable(
  'calendar_years',
  {
    calendar: text('calendar').notNull(),
    year: integer('year').notNull(),
    holidays: jsonText('holidays').notNull(),
    makeupWorkdays: jsonText('makeup_workdays').notNull(),
    source: text('source').notNull(),
    importedBy: text('imported_by').notNull(),
    importedAt: ms('imported_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.calendar, t.year] })],
);

/**
 * The on-time rollup: per local day (in the office's time zone), per owner and unit, how many
 * deadlines closed met and how many late. The writer adds to it in the transaction that closes them,
 * so a supervisor's rate reads a few rows a day instead of every closed deadline.
 */
export const onTimeDays = pgTable(
  'on_time_days',
  {
    /** The start of the local day (epoch ms) the deadlines closed on. */
    dayStart: ms('day_start').notNull(),
    owner: text('owner', { enum: ['unit', 'office'] }).notNull(),
    /** The unit of a unit-owned limit; '' for the office's own limits and for cases without a unit. */
    unit: text('unit').notNull(),
    met: integer('met').notNull(),
    late: integer('late').notNull(),
  },
  (t) => [primaryKey({ columns: [t.dayStart, t.owner, t.unit] }), index('on_time_days_unit').on(t.unit, t.dayStart)],
);

/** Card consequences: the supervision actions a unit's cards triggered, each carried out as a case. */
export const cardConsequences = pgTable(
  'card_consequences',
  {
    caseId: text('case_id')
      .primaryKey()
      .references(() => cases.id),
    unit: text('unit').notNull(),
    kind: text('kind', { enum: ['formalLetter', 'unitHeadTalk', 'topOfficialTalk'] }).notNull(),
    period: text('period').notNull(),
    triggeredBy: text('triggered_by').notNull(),
    action: text('action').notNull(),
    pointsOff: integer('points_off').notNull(),
    basis: text('basis').notNull(),
    dueAt: ms('due_at').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('card_consequences_unit_created').on(t.unit, t.createdAt), index('card_consequences_created').on(t.createdAt)],
);

/** True when A and B are the same type (both ways assignable, no extra or missing fields). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape = <T extends true>(): T | undefined => undefined;

// Compile-time: each table's row type is exactly the record type of the port.
sameShape<Same<Omit<typeof cases.$inferSelect, 'chainSeq' | 'chainHead'>, records.CaseRecord>>();
sameShape<Same<typeof caseEvents.$inferSelect, records.CaseEventRecord>>();
sameShape<Same<Omit<typeof deadlines.$inferSelect, 'seq'>, records.DeadlineRecord>>();
sameShape<Same<typeof warningCards.$inferSelect, records.WarningCardRecord>>();
sameShape<Same<typeof notifications.$inferSelect, records.NotificationRecord>>();
sameShape<Same<typeof reporterIdentities.$inferSelect, records.ReporterIdentityRecord>>();
sameShape<Same<typeof reporterMessages.$inferSelect, records.ReporterMessageRecord>>();
sameShape<Same<typeof users.$inferSelect, records.UserRecord>>();
sameShape<Same<typeof apiTokens.$inferSelect, records.ApiTokenRecord>>();
sameShape<Same<typeof userPasswords.$inferSelect, records.UserPasswordRecord>>();
sameShape<Same<typeof webSessions.$inferSelect, records.WebSessionRecord>>();
sameShape<Same<typeof calendarYears.$inferSelect, records.CalendarYearRecord>>();
sameShape<Same<typeof onTimeDays.$inferSelect, records.OnTimeDayRecord>>();
sameShape<Same<typeof cardConsequences.$inferSelect, records.CardConsequenceRecord>>();
