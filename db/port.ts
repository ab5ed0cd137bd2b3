/**
 * The storage port: what caseflow asks of a database, whichever one it is. The engine, workers and
 * API hold a `Store`; each dialect folder (db/sqlite/, later db/postgres/) implements it. Every read
 * and write that must be atomic goes through the `Tx` handed to `withTransaction`; a guarded update
 * answers whether it touched its row, and the caller treats `false` as a conflict.
 *
 * May import: db/records.ts only. No driver, no domain code.
 */
import type {
  ApiTokenRecord,
  CardConsequenceRecord,
  CardConsequenceRow,
  CaseAccessFacts,
  CaseEventRecord,
  CalendarYearRecord,
  ChainHead,
  ChainMove,
  CaseRecord,
  DeadlineClosing,
  DeadlineRecord,
  DeadlineRespec,
  DeadlineScheduleChange,
  NewNotification,
  NewWarningCard,
  NotificationRecord,
  OnTimeDayRecord,
  LimitOwnerRecord,
  WarningCardRecord,
  IdentityWrapping,
  ReporterIdentityRecord,
  ReporterMessageRecord,
  SealedCaseEvent,
  UserRecord,
  WakeUp,
  WarningColour,
  WebSessionRecord,
} from './records';

export type * from './records';

/** Filters of a case list; the engine turns a caller's request into one of these. */
export interface CaseListQuery {
  type?: string;
  /** A state or a parent state: `screening` matches `screening.acceptance`. */
  state?: string;
  unit?: string;
  assignee?: string;
  status?: 'open' | 'closed';
  /** Only cases with a running, unsuspended, non-period deadline that is overdue or past due at `now`. */
  overdueAt?: number;
  /** Only cases with a running deadline due before this moment. */
  dueBefore?: number;
  /** Leaves out cases about this (canonical) official id. */
  notAbout?: string;
  /** Keyset pagination: only cases strictly after this one in (createdAt desc, id desc) order. */
  after?: { createdAt: number; id: string };
  limit: number;
}

/** One row of a case list. */
export type CaseSummaryRecord = Pick<CaseRecord, 'id' | 'type' | 'state' | 'status' | 'version' | 'unit' | 'assignee' | 'createdAt' | 'updatedAt'>;

/** Cases and their current snapshots. */
export interface CaseRepository {
  byId(id: string): Promise<CaseRecord | undefined>;
  /** The access facts of each id that names a case (unknown ids are left out). */
  accessFacts(ids: readonly string[]): Promise<CaseAccessFacts[]>;
  insert(row: CaseRecord): Promise<void>;
  /**
   * Writes `row` only where the stored version is still `expectedVersion`, and with `chain`, only
   * where the chain head is still `chain.from`, moving it to `chain.to` in the same statement; false
   * when either had moved on (nothing is written then).
   */
  update(row: CaseRecord, expectedVersion: number, chain?: ChainMove): Promise<boolean>;
  /** One page of cases, newest first. */
  list(query: CaseListQuery): Promise<CaseSummaryRecord[]>;
  /** The open cases about an official (their canonical id), oldest first; in a write transaction they are held for it. */
  openAbout(subjectId: string): Promise<CaseRecord[]>;
  /** Every case about an official (their canonical id), open or closed, oldest first: their record. */
  allAbout(subjectId: string): Promise<CaseRecord[]>;
  /** The case's log chain head (in a write transaction on PostgreSQL, the case is then held until commit). */
  chainHead(caseId: string): Promise<ChainHead | undefined>;
  /** Moves the case's chain head to `to`, only where it is still `from`; false when it was not. */
  moveChainHead(caseId: string, from: ChainHead, to: ChainHead): Promise<boolean>;
  /** These cases' rows, each with its chain head, in any order (ids not found left out): a page read at once. */
  withChainHeads(ids: readonly string[]): Promise<(CaseRecord & { head: ChainHead })[]>;
  /** Chain heads of the cases whose ids come after `afterCaseId` in byte order, at most `limit`, in that order. */
  chainHeads(afterCaseId: string, limit: number): Promise<(ChainHead & { caseId: string })[]>;
}

/** The append-only case log. The engine's plan writer is its only writer. */
export interface EventLogRepository {
  /** Appends one entry, sealed with its chain link; returns its id (ids grow with every entry). */
  append(entry: SealedCaseEvent): Promise<number>;
  /** Every entry of a case, oldest first. */
  ofCase(caseId: string): Promise<CaseEventRecord[]>;
  /** Every entry of these cases, oldest first (entries of different cases in any order). */
  ofCases(caseIds: readonly string[]): Promise<CaseEventRecord[]>;
  /** The identity-access entries of every case with an id above `afterId`, in log order, at most `limit` (the custodians' queue). */
  identityStepsAfter(afterId: number, limit: number): Promise<CaseEventRecord[]>;
  /** The id of the newest entry, 0 when the log is empty. */
  lastId(): Promise<number>;
}

/** Deadline rows and the warning cards their ladder steps issue. */
export interface DeadlineRepository {
  byId(id: string): Promise<DeadlineRecord | undefined>;
  /** Every deadline of a case, oldest first. */
  ofCase(caseId: string): Promise<DeadlineRecord[]>;
  /** The running deadlines of a case. */
  runningOfCase(caseId: string): Promise<DeadlineRecord[]>;
  /** The running deadlines of these cases, in any order: a page read at once. */
  runningOfCases(caseIds: readonly string[]): Promise<DeadlineRecord[]>;
  insert(row: DeadlineRecord): Promise<void>;
  /** Closes a deadline that is still running; false when it was not. */
  close(closing: DeadlineClosing): Promise<boolean>;
  /**
   * Moves a running deadline's schedule, only where its revision is still `expectedRev`: the
   * guard that makes a ladder step fire once however many workers wake for it. False when it was not.
   */
  reschedule(id: string, expectedRev: number, change: DeadlineScheduleChange): Promise<boolean>;
  /**
   * Re-plans a running deadline under a new machine version or policy: its schedule and definition,
   * only where its revision is still `expectedRev` (a new revision: its wake-up goes to the outbox). False when it was not.
   */
  respec(id: string, expectedRev: number, change: DeadlineRespec): Promise<boolean>;
  /** Issues a warning card; false when this deadline's step already issued one. */
  issueCard(card: NewWarningCard): Promise<boolean>;
  /**
   * Running, unsuspended wake-ups whose step was due before `before` (epoch ms), earliest first, at
   * most `limit`: the steps a stuck or lost queue job has not fired, for the workers' sweep.
   */
  overdueWakeUps(before: number, limit: number): Promise<WakeUp[]>;
  /** Running deadlines due at or after `from` (epoch ms), earliest due first: those a calendar import may move. */
  runningDueFrom(from: number): Promise<DeadlineRecord[]>;
}

/** Years of holiday data imported after the calendar shipped (`caseflow calendar import`). */
export interface CalendarYearRepository {
  /** The imported years of `calendar`, ascending. */
  ofCalendar(calendar: string): Promise<CalendarYearRecord[]>;
  /** Stores a year, replacing an earlier import of the same calendar and year. */
  put(row: CalendarYearRecord): Promise<void>;
}

/** The outbox of deadline wake-ups between the database and the queue. */
export interface WakeUpOutbox {
  /** Running wake-ups whose current revision is not yet in the queue, in deadline-id order after `after`. */
  pending(after: string, limit: number): Promise<WakeUp[]>;
  /**
   * Claims up to `limit` pending wake-ups for one dispatcher until `leaseUntil` (epoch ms), lowest
   * deadline id first, skipping rows another dispatcher holds under a lease that has not expired at
   * `now` (and, on PostgreSQL, rows another transaction has locked: FOR UPDATE SKIP LOCKED). So
   * several dispatchers share the outbox, and a dead one's rows come free when its lease runs out.
   * A schedule change or a mark releases the claim.
   */
  claim(now: number, leaseUntil: number, limit: number): Promise<WakeUp[]>;
  /** Gives claimed wake-ups back unsent (the queue refused them), so any dispatcher may claim them at once; returns how many. */
  release(batch: readonly Pick<WakeUp, 'deadlineId' | 'scheduleRev'>[]): Promise<number>;
  /** Marks wake-ups as handed to the queue, each only if its revision is still the one sent; returns how many. */
  markDispatched(batch: readonly Pick<WakeUp, 'deadlineId' | 'scheduleRev'>[]): Promise<number>;
  /** Running wake-ups already handed to the queue, in deadline-id order after `after` (for the reconciler). */
  dispatched(after: string, limit: number): Promise<WakeUp[]>;
  /** Puts wake-ups the queue lost back into the outbox, each only if its revision is unchanged; returns how many. */
  returnToOutbox(batch: readonly Pick<WakeUp, 'deadlineId' | 'scheduleRev'>[]): Promise<number>;
}

/** Notices waiting to be sent, claimed by one notifier at a time. */
export interface NotificationRepository {
  /** Queues a notice; false when the same step already queued one for this recipient. */
  insert(notice: NewNotification): Promise<boolean>;
  /** Pending notices with fewer than `maxAttempts` attempts, in id order after `after`. */
  pending(after: number, maxAttempts: number, limit: number): Promise<NotificationRecord[]>;
  /** Takes a pending notice for one notifier; false when another already holds it. */
  claim(id: number, now: number): Promise<boolean>;
  /** Gives back notices claimed before `claimedBefore` (their notifier stopped mid-send); returns how many. */
  releaseClaimsBefore(claimedBefore: number): Promise<number>;
  /** Records a delivery. */
  markSent(id: number, sentAt: number, attempts: number): Promise<void>;
  /** Records a failed delivery: pending again, or failed for good when `final`. */
  markFailed(id: number, failure: { attempts: number; lastError: string; final: boolean }): Promise<void>;
  ofCase(caseId: string): Promise<NotificationRecord[]>;
  byId(id: number): Promise<NotificationRecord | undefined>;
}

/** Users, their API tokens, web passwords and web sessions. */
export interface AccountRepository {
  /** The user with this stored (canonical) name. */
  userByName(name: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  insertUser(user: Omit<UserRecord, 'id' | 'disabledAt'>): Promise<UserRecord>;
  disableUser(id: number, at: number): Promise<void>;
  insertToken(token: Omit<ApiTokenRecord, 'revokedAt'>): Promise<void>;
  /** The enabled user of an unrevoked token with this hash. */
  activeUserByTokenHash(tokenHash: string): Promise<UserRecord | undefined>;
  tokenById(id: string): Promise<{ token: ApiTokenRecord; userName: string } | undefined>;
  /** Revokes a token not yet revoked; false when it already was. */
  revokeToken(id: string, at: number): Promise<boolean>;
  /** Sets (or replaces) a user's password hash. */
  setPasswordHash(userId: number, hash: string, at: number): Promise<void>;
  /** The user's password hash, if they have one. */
  passwordHashOf(userId: number): Promise<string | undefined>;
  insertSession(session: WebSessionRecord): Promise<void>;
  /** The session with this id hash and its user, while the user is enabled. */
  sessionByIdHash(idHash: string): Promise<{ session: WebSessionRecord; user: UserRecord } | undefined>;
  /** Records a request of the session; false when it no longer exists. */
  touchSession(idHash: string, at: number): Promise<boolean>;
  /** Ends one session; false when there was none. */
  deleteSession(idHash: string): Promise<boolean>;
  /** Ends every session of a user (a new password signs them out everywhere); returns how many. */
  deleteSessionsOf(userId: number): Promise<number>;
}

/** Reporters' identities, receipts and messages. */
export interface ReporterRepository {
  insertIdentity(identity: ReporterIdentityRecord): Promise<void>;
  identityOf(caseId: string): Promise<ReporterIdentityRecord | undefined>;
  /** Identities still in plain text (written before sealing), in case-id order after `afterCaseId`, at most `limit`. */
  plainIdentities(afterCaseId: string, limit: number): Promise<ReporterIdentityRecord[]>;
  /** Replaces a plain identity by its sealed form (plain columns emptied), only while it is still plain; false when it was not. */
  sealPlainIdentity(caseId: string, sealed: Pick<ReporterIdentityRecord, 'keyId' | 'wrappedKey' | 'sealedFields'>): Promise<boolean>;
  /** Sealed identities wrapped by a key other than `keyId`, in case-id order after `afterCaseId`, at most `limit`. */
  wrappedWithOtherKey(keyId: string, afterCaseId: string, limit: number): Promise<IdentityWrapping[]>;
  /** Re-wraps one identity's data key, only where its wrapping is still `from`; false when it was not. */
  rewrapIdentity(from: IdentityWrapping, to: Omit<IdentityWrapping, 'caseId'>): Promise<boolean>;
  insertReceipt(receipt: { codeHash: string; caseId: string; createdAt: number }): Promise<void>;
  /** The clue a receipt hash belongs to. */
  caseForReceipt(codeHash: string): Promise<string | undefined>;
  addMessage(message: Omit<ReporterMessageRecord, 'id'>): Promise<number>;
  messagesOf(caseId: string): Promise<ReporterMessageRecord[]>;
}

/** A reporting period: [since, until) in epoch ms. */
export interface PeriodQuery {
  since: number;
  until: number;
}

/** Which overdue deadlines to list: the board's filters, and at most `limit` of them. */
export interface OverdueFilter {
  unit?: string;
  type?: string;
  /** Only deadlines whose current card is this colour. */
  warning?: WarningColour;
  escalationLevel?: number;
  /** Leave out cases about this official. */
  notAbout?: string;
  limit: number;
}

export interface OverdueRecord {
  caseId: string;
  type: string;
  state: string;
  unit: string | null;
  assignee: string | null;
  deadlineId: string;
  deadlineKind: string;
  dueAt: number;
  /** The due moment before any extension. */
  originalDueAt: number;
  warning: string;
  escalationLevel: number;
  /** The deadline's spec as stored (JSON): its limit says whether lateness counts working days. */
  spec: string;
  timeZone: string;
}

export interface EscalationRecord {
  caseId: string;
  deadlineId: string;
  unit: string | null;
  step: string;
  issuedAt: number;
}

/** Closed deadlines counted for one owner: a unit (by name; null for cases without one) or the office (unit null). */
export interface OnTimeCountRecord {
  owner: LimitOwnerRecord;
  unit: string | null;
  met: number;
  late: number;
}

/** The on-time rollup (one row per office day, owner and unit); the writer keeps it in the transaction that closes deadlines. */
export interface OnTimeRollupRepository {
  /** Adds the met and late counts of each row to the stored row of its day, owner and unit (creating it). */
  add(rows: readonly OnTimeDayRecord[]): Promise<void>;
  /** Per owner and unit, met and late over the days starting in [since, until) (rows with neither left out), units in order, the office last. */
  counts(days: PeriodQuery, filter: { unit?: string }): Promise<OnTimeCountRecord[]>;
  /**
   * Recomputes the rollup from every closed deadline, the local day taken at a fixed UTC offset
   * (`utcOffsetMs`, e.g. +8 h for Asia/Shanghai, which keeps no daylight saving); returns how many rows it wrote.
   */
  rebuild(utcOffsetMs: number): Promise<number>;
}

/** What supervisors read: queries over indexes, never writes. */
export interface SupervisionReadModel {
  /** Running, unsuspended, non-period deadlines past due at `now`, or lapsed and extended since (status overdue), most overdue first. */
  overdue(now: number, filter: OverdueFilter): Promise<OverdueRecord[]>;
  /** Red cards issued in the period, newest first. */
  escalations(period: PeriodQuery, filter: { unit?: string; notAbout?: string; limit: number }): Promise<EscalationRecord[]>;
  /**
   * Per owner and unit, scanning the closed deadlines: those closed in the period as met and as late
   * (rows with neither left out), in the rollup's order. The rollup reads whole days; this counts the rest.
   */
  closedDeadlineCounts(period: PeriodQuery, filter: { unit?: string }): Promise<OnTimeCountRecord[]>;
  /** Per unit: cards issued in the period by colour. */
  warningCardCounts(period: PeriodQuery, filter: { unit?: string }): Promise<{ unit: string | null; blue: number; yellow: number; red: number }[]>;
  /** Open cases per type and state. */
  stateCounts(filter: { type?: string }): Promise<{ type: string; state: string; count: number }[]>;
}

/** Card consequences: the supervision actions a unit's cards triggered (office policy `cardConsequences`). */
export interface ConsequenceRepository {
  /**
   * Holds the unit's card consequences for this transaction: another transaction deciding the same
   * unit's consequences waits until this one ends (PostgreSQL: a transaction advisory lock; SQLite
   * transactions already take turns). Call it before counting the unit's cards.
   */
  holdUnit(unit: string): Promise<void>;
  /** The unit's cards issued in [since, until), oldest first. */
  cardsOfUnit(unit: string, since: number, until: number): Promise<WarningCardRecord[]>;
  /** When a deadline of the unit was last closed as met, or null. */
  lastMetAt(unit: string): Promise<number | null>;
  insert(row: CardConsequenceRecord): Promise<void>;
  /** The unit's consequences, oldest first, with how their supervision actions stand. */
  ofUnit(unit: string): Promise<CardConsequenceRow[]>;
  /** Consequences created in [since, until), newest first, optionally for one unit. */
  list(period: PeriodQuery, filter: { unit?: string; limit: number }): Promise<CardConsequenceRow[]>;
}

/** The repositories, bound to one transaction. */
export interface Tx {
  readonly cases: CaseRepository;
  readonly events: EventLogRepository;
  readonly deadlines: DeadlineRepository;
  readonly outbox: WakeUpOutbox;
  readonly notifications: NotificationRepository;
  readonly accounts: AccountRepository;
  readonly reporters: ReporterRepository;
  readonly supervision: SupervisionReadModel;
  readonly calendarYears: CalendarYearRepository;
  readonly onTime: OnTimeRollupRepository;
  readonly consequences: ConsequenceRepository;
}

/** A caseflow database. */
export interface Store {
  /** `sqlite` or `postgres`. */
  readonly dialect: string;
  /** Where the data lives, for messages (a file path, or a URL without its password). */
  readonly location: string;
  /**
   * Runs `fn` in one read-write transaction and commits when it resolves; if it throws, nothing it
   * wrote stays. Do not nest, and do not wait on anything but the store inside `fn`.
   */
  withTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Runs `fn` in one read-only transaction: every read sees the same committed state. */
  read<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** Every row of every table, table by table, in insertion order: to prove a refused request changed nothing. */
  dumpAll(): Promise<Record<string, unknown[]>>;
  close(): Promise<void>;
}
