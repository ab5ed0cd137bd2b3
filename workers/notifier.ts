/**
 * Sends the notifications ladder steps write, through a pluggable sender: a log line by default,
 * or a webhook with retries and exponential backoff. A notice is marked sent only after delivery.
 */
import type { Store } from '../db/port';
import type { CaseflowMetrics } from '../src/metrics';
import type { NotificationRecord as NotificationRow } from '../db/records';
import type { Clock } from '../src/clock';
import type { Logger } from '../src/logger';
import { performance } from 'node:perf_hooks';

/** Delivers one notification, or throws. */
export interface NotificationSender {
  readonly name: string;
  send(notification: NotificationRow): Promise<void>;
}

/** Writes each notification as a structured log line. */
export class LogSender implements NotificationSender {
  readonly name = 'log';
  constructor(private readonly logger: Logger) {}
  send(n: NotificationRow): Promise<void> {
    this.logger.info('notification', { caseId: n.caseId, recipient: n.recipient, warning: n.warning, subject: n.subject });
    return Promise.resolve();
  }
}

export interface WebhookOptions {
  url: string;
  /** Attempts per notification before it is marked failed. @defaultValue 4 */
  attempts?: number;
  /** First retry delay in ms, doubled after each failure. @defaultValue 200 */
  backoffMs?: number;
  /** Per-request timeout in ms. @defaultValue 5000 */
  timeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** POSTs each notification as JSON; retries on network errors and 5xx/429 with exponential backoff. */
export class WebhookSender implements NotificationSender {
  readonly name = 'webhook';
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;
  constructor(private readonly options: WebhookOptions) {
    this.attempts = options.attempts ?? 4;
    this.backoffMs = options.backoffMs ?? 200;
    this.timeoutMs = options.timeoutMs ?? 5000;
    if (this.attempts < 1) throw new Error('attempts must be at least 1');
  }

  async send(n: NotificationRow): Promise<void> {
    const body = JSON.stringify({
      id: n.id,
      caseId: n.caseId,
      deadlineId: n.deadlineId,
      step: n.step,
      recipient: n.recipient,
      warning: n.warning,
      subject: n.subject,
      body: n.body,
    });
    let lastError = '';
    for (let attempt = 1; attempt <= this.attempts; attempt += 1) {
      try {
        const response = await fetch(this.options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `caseflow-notification-${n.id}` },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        if (response.ok) return;
        lastError = `HTTP ${response.status}`;
        if (response.status < 500 && response.status !== 429) break;
      } catch (error) {
        lastError = error instanceof Error ? error.name : 'network error';
      }
      if (attempt < this.attempts) await sleep(this.backoffMs * 2 ** (attempt - 1));
    }
    // the URL may carry an access token: name only its origin
    throw new Error(`webhook at ${new URL(this.options.url).origin} refused notification ${n.id}: ${lastError}`);
  }
}

export interface NotifierOptions {
  store: Store;
  /** Where failed deliveries are counted. @defaultValue not counted */
  metrics?: CaseflowMetrics;
  sender: NotificationSender;
  clock: Clock;
  logger: Logger;
  /** Delivery rounds before a notification is marked failed. @defaultValue 3 */
  maxRounds?: number;
  /** How long (real ms) a claimed notification stays with its notifier before another may send it. @defaultValue 300000 */
  leaseMs?: number;
  /** Waits (real ms) between attempts to record a delivered notice as sent. @defaultValue [50, 200, 1000, 3000, 10000] */
  recordRetryMs?: readonly number[];
}

/** Notices claimed (and recorded) per transaction: few enough that a slow webhook sends them well within the claim's lease. */
const CLAIM_BATCH = 25;
/** How often (real ms) at most the notifier looks for claims whose lease ran out. */
const RELEASE_EVERY_MS = 60_000;

/** Drains pending notifications through the sender. */
export class Notifier {
  private draining: Promise<number> | null = null;
  /** When (performance.now()) expired claims were last released; never yet at first. */
  private releasedAt = -Infinity;
  constructor(private readonly options: NotifierOptions) {}

  /** Sends every pending notification once; returns how many were delivered. */
  flush(): Promise<number> {
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  /** Asks for a flush in the background. */
  nudge(): void {
    this.flush().catch((error: unknown) => this.options.logger.error('notifier failed', { error: String(error) }));
  }

  /** Takes the pending notices of `batch` no other notifier holds, in one transaction; answers those taken. */
  private claim(batch: readonly NotificationRow[]): Promise<NotificationRow[]> {
    const { store, clock } = this.options;
    return store.withTransaction(async (tx) => {
      const now = clock.now();
      const taken: NotificationRow[] = [];
      for (const n of batch) if (await tx.notifications.claim(n.id, now)) taken.push(n);
      return taken;
    });
  }

  /**
   * Gives back notifications whose holder stopped mid-send (its lease ran out): they are sent again.
   * Looked at once a minute at most (a lease lasts minutes), not on every flush.
   */
  private async releaseExpiredClaims(): Promise<void> {
    const { store, clock } = this.options;
    if (performance.now() - this.releasedAt < RELEASE_EVERY_MS) return;
    const leaseMs = (this.options.leaseMs ?? 5 * 60_000) * clock.rate;
    await store.withTransaction((tx) => tx.notifications.releaseClaimsBefore(clock.now() - leaseMs));
    this.releasedAt = performance.now();
  }

  /**
   * Records delivered notices as sent and failed ones as failed, in one transaction, retrying while
   * the store is busy or away. If it never succeeds, the claims stay until their lease runs out; a
   * later delivery carries the same idempotency key, so the recipient can tell it is the same notice.
   */
  private async record(delivered: readonly NotificationRow[], failed: readonly { n: NotificationRow; message: string }[]): Promise<void> {
    const { store, clock, logger } = this.options;
    if (!delivered.length && !failed.length) return;
    const maxRounds = this.options.maxRounds ?? 3;
    const delays = this.options.recordRetryMs ?? [50, 200, 1000, 3000, 10_000];
    for (let attempt = 0; ; attempt++) {
      try {
        await store.withTransaction(async (tx) => {
          const now = clock.now();
          for (const n of delivered) await tx.notifications.markSent(n.id, now, n.attempts + 1);
          for (const { n, message } of failed) {
            await tx.notifications.markFailed(n.id, { attempts: n.attempts + 1, lastError: message, final: n.attempts + 1 >= maxRounds });
          }
        });
        return;
      } catch (error) {
        const wait = delays[attempt];
        if (wait === undefined) {
          logger.error('delivered notifications could not be recorded as sent', { notificationIds: delivered.map((n) => n.id), error: String(error) });
          return;
        }
        await sleep(wait);
      }
    }
  }

  /** Sends the pending notices in claimed batches: one transaction to claim a batch, one to record it. */
  private async drain(): Promise<number> {
    const { store, sender, logger } = this.options;
    const maxRounds = this.options.maxRounds ?? 3;
    let sent = 0;
    let after = 0;
    await this.releaseExpiredClaims();
    for (;;) {
      const batch = await store.read((tx) => tx.notifications.pending(after, maxRounds, CLAIM_BATCH));
      if (!batch.length) return sent;
      after = batch[batch.length - 1]!.id;
      const delivered: NotificationRow[] = [];
      const failed: { n: NotificationRow; message: string }[] = [];
      // the notices another notifier holds are left to it
      for (const n of await this.claim(batch)) {
        try {
          await sender.send(n);
        } catch (error) {
          const attempts = n.attempts + 1;
          const message = error instanceof Error ? error.message : String(error);
          failed.push({ n, message });
          this.options.metrics?.notificationFailed(attempts >= maxRounds);
          logger.warn('notification not delivered', { notificationId: n.id, attempts, error: message });
          continue;
        }
        // delivered: from here on only the record is retried, never the send
        delivered.push(n);
      }
      await this.record(delivered, failed);
      sent += delivered.length;
    }
  }
}
