/**
 * Verifying the case log: each case's hash chain checked against its entries and the head on its
 * case row, streamed a page of cases at a time (never the whole log in memory), and signed
 * checkpoints (Ed25519) of every chain head, to be kept outside the database: a checkpoint
 * detects a tail cut off or a chain rewritten together with the heads on the case rows.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';
import type { Store } from '../../db/port';
import type { CaseEventRecord, ChainHead } from '../../db/records';
import type { Clock } from '../clock';
import { CaseNotFoundError } from '../errors';
import { firstBreak, type ChainBreak } from './chainCheck';
import { emptyPlan } from './plan';
import { writePlan } from './writer';

export type { ChainBreak, ChainBreakReason } from './chainCheck';

/** What a checkpoint says: every chain as it stood at one entry. */
export interface Checkpoint {
  /** The last log entry the checkpoint covers. */
  lastEventId: number;
  /** SHA-256 over each case's chain head as of `lastEventId`, case by case in byte order of their ids. */
  headsDigest: string;
  /** How many cases had entries by then. */
  cases: number;
  /** When it was taken (ISO 8601). */
  at: string;
}

/** A checkpoint with its Ed25519 signature over its RFC 8785 form. */
export interface SignedCheckpoint extends Checkpoint {
  /** The first 16 hex digits of SHA-256 over the public key (SPKI DER). */
  keyId: string;
  /** base64. */
  signature: string;
}

/** A checkpoint the log no longer matches. */
export interface CheckpointBreak {
  reason: 'truncatedSinceCheckpoint' | 'rewrittenSinceCheckpoint' | 'badSignature';
  message: string;
}

/** What a verification found. */
export interface AuditReport {
  ok: boolean;
  /** Cases and log entries checked. */
  cases: number;
  events: number;
  /** The first broken link of each broken case, in byte order of their ids (at most `maxBreaks`). */
  breaks: ChainBreak[];
  /** Set when a checkpoint was given. */
  checkpoint?: { ok: boolean; lastEventId: number; problem?: CheckpointBreak };
}

export interface CaseLogAuditOptions {
  store: Store;
  clock: Clock;
  /** Cases read per page. @defaultValue 500 */
  pageSize?: number;
  /** Breaks listed at most. @defaultValue 100 */
  maxBreaks?: number;
}

/** The key id of an Ed25519 key (private or public). */
export function auditKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
}

const signedBytes = (checkpoint: Checkpoint): Buffer =>
  Buffer.from(canonicalize({ lastEventId: checkpoint.lastEventId, headsDigest: checkpoint.headsDigest, cases: checkpoint.cases, at: checkpoint.at }));

/** Checks the case log's hash chains and takes and checks signed checkpoints. */
export class CaseLogAudit {
  private readonly pageSize: number;
  private readonly maxBreaks: number;

  constructor(private readonly options: CaseLogAuditOptions) {
    this.pageSize = options.pageSize ?? 500;
    this.maxBreaks = options.maxBreaks ?? 100;
    if (this.pageSize < 1) throw new Error('pageSize must be at least 1');
  }

  /** Verifies one case's chain; an unknown case is CASE_NOT_FOUND. */
  async verifyCase(caseId: string): Promise<AuditReport> {
    const { head, entries } = await this.options.store.read(async (tx) => ({ head: await tx.cases.chainHead(caseId), entries: await tx.events.ofCase(caseId) }));
    if (!head) throw new CaseNotFoundError(caseId);
    const broken = firstBreak(caseId, head, entries);
    return { ok: broken === null, cases: 1, events: entries.length, breaks: broken ? [broken] : [] };
  }

  /** Verifies every case's chain; with `checkpoint`, also that the log still holds what it signed (`publicKey` checks its signature). */
  async verifyAll(given?: { checkpoint: SignedCheckpoint; publicKey: KeyObject }): Promise<AuditReport> {
    const report: AuditReport = { ok: true, cases: 0, events: 0, breaks: [] };
    const asOf = given ? new HeadsDigest(given.checkpoint.lastEventId) : null;
    await this.eachCase((caseId, head, entries) => {
      report.cases += 1;
      report.events += entries.length;
      asOf?.add(caseId, entries);
      const broken = firstBreak(caseId, head, entries);
      if (broken) {
        report.ok = false;
        if (report.breaks.length < this.maxBreaks) report.breaks.push(broken);
      }
    });
    if (given && asOf) {
      const problem = checkpointProblem(given.checkpoint, given.publicKey, asOf);
      report.checkpoint = { ok: !problem, lastEventId: given.checkpoint.lastEventId, ...(problem ? { problem } : {}) };
      if (problem) report.ok = false;
    }
    return report;
  }

  /** A signed checkpoint of every chain as of the last entry now in the log. */
  async checkpoint(privateKey: KeyObject): Promise<SignedCheckpoint> {
    const lastEventId = await this.options.store.read((tx) => tx.events.lastId());
    const digest = new HeadsDigest(lastEventId);
    await this.eachCase((caseId, _head, entries) => digest.add(caseId, entries));
    const checkpoint: Checkpoint = { lastEventId, headsDigest: digest.hex(), cases: digest.cases, at: new Date(this.options.clock.now()).toISOString() };
    return { ...checkpoint, keyId: auditKeyId(privateKey), signature: sign(null, signedBytes(checkpoint), privateKey).toString('base64') };
  }

  /**
   * Queues an alert notice to `recipient` for each broken case, through the one writer (the notifier
   * sends it); returns how many it queued.
   */
  async alert(breaks: readonly ChainBreak[], recipient: string): Promise<number> {
    if (breaks.length === 0) return 0;
    const now = this.options.clock.now();
    const plan = emptyPlan();
    plan.notifications = breaks.map((b) => ({
      caseId: b.caseId,
      deadlineId: null,
      step: null,
      recipient,
      warning: 'red',
      subject: `Case log of ${b.caseId} fails verification (${b.reason})`,
      body: `${b.message} Run "caseflow audit verify ${b.caseId}" and compare with the last checkpoint kept outside the database.`,
      createdAt: now,
    }));
    await this.options.store.withTransaction((tx) => writePlan(tx, plan));
    return plan.notifications.length;
  }

  /** Calls `visit` for each case in byte order of its id, a page of cases per read. */
  private async eachCase(visit: (caseId: string, head: ChainHead, entries: CaseEventRecord[]) => void): Promise<void> {
    for (let after = ''; ; ) {
      const page = await this.options.store.read(async (tx) => {
        const heads = await tx.cases.chainHeads(after, this.pageSize);
        return { heads, entries: await tx.events.ofCases(heads.map((h) => h.caseId)) };
      });
      const byCase = new Map<string, CaseEventRecord[]>();
      for (const entry of page.entries) {
        const list = byCase.get(entry.caseId);
        if (list) list.push(entry);
        else byCase.set(entry.caseId, [entry]);
      }
      for (const head of page.heads) visit(head.caseId, head, byCase.get(head.caseId) ?? []);
      if (page.heads.length < this.pageSize) return;
      after = page.heads[page.heads.length - 1]!.caseId;
    }
  }
}

/** SHA-256 over each case's head as of one entry: the last of its entries up to that entry's id. */
class HeadsDigest {
  private readonly hash = createHash('sha256');
  cases = 0;
  /** The highest entry id seen at or below `lastEventId`. */
  highest = 0;

  constructor(readonly lastEventId: number) {}

  add(caseId: string, entries: readonly CaseEventRecord[]): void {
    let head: CaseEventRecord | undefined;
    for (const e of entries) {
      if (e.id > this.lastEventId) continue;
      if (!head || e.id > head.id) head = e;
      if (e.id > this.highest) this.highest = e.id;
    }
    if (!head) return;
    this.cases += 1;
    this.hash.update(`${caseId}\n${head.seq ?? ''}\n${head.hash ?? ''}\n`);
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}

function checkpointProblem(checkpoint: SignedCheckpoint, publicKey: KeyObject, now: HeadsDigest): CheckpointBreak | undefined {
  let valid = false;
  try {
    valid = verify(null, signedBytes(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return { reason: 'badSignature', message: `The checkpoint's signature does not verify with key ${auditKeyId(publicKey)}: it was not signed by this key, or it was altered.` };
  if (now.highest < checkpoint.lastEventId) {
    return {
      reason: 'truncatedSinceCheckpoint',
      message: `The checkpoint covers log entries up to id ${checkpoint.lastEventId}, but the log now ends at id ${now.highest}: its tail was cut off.`,
    };
  }
  const digest = now.hex();
  if (digest !== checkpoint.headsDigest || now.cases !== checkpoint.cases) {
    return {
      reason: 'rewrittenSinceCheckpoint',
      message: `The chain heads as of entry ${checkpoint.lastEventId} are not the ones the checkpoint of ${checkpoint.at} signed: the log was rewritten since.`,
    };
  }
  return undefined;
}
