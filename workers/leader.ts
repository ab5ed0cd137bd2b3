/**
 * A leader lock on Redis, so that the cluster-wide sweeps (the reconciler, the overdue sweep) run in
 * one worker process at a time while every process still consumes jobs. The holder's token sits at
 * `<prefix>:leader` (`SET … NX PX <ttl>`), renewed every ttl/3 only while it is still the holder's
 * (a compare-and-set script) and deleted the same way on close. A process counts itself leader only
 * until `ttl` after its last successful claim was sent, so two processes never both believe it, even
 * while Redis is away; if the holder dies, another takes over once the key expires.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';

/** Extends the lock's expiry only if this token still holds it; 1 when it did. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes the lock only if this token still holds it. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** The lock's key under a queue prefix: in the prefix's hash slot, beside the queue's keys. */
export const leaderKey = (prefix: string): string => `${prefix}:leader`;

export interface LeaderLockOptions {
  /** A fail-fast connection (no offline queue): a claim during an outage fails at once. */
  redis: Redis;
  key: string;
  /** How long a claim lasts (ms); renewed every third of it. @defaultValue 10000 */
  ttlMs?: number;
  /** Called when this process becomes the leader, and when it stops being it. */
  onChange?: (leader: boolean) => void;
}

/** What one claim did. */
export type LeaderTick = 'acquired' | 'renewed' | 'lost' | 'follower' | 'unreachable';

/** Holds, renews and releases the leader lock for one process. */
export class LeaderLock {
  /** This process's claim: unique per lock, so a restarted process is a new claimant. */
  readonly token = randomUUID();
  readonly ttlMs: number;
  /** Until when (performance.now()) this process surely holds the lock; 0 when it does not. */
  private validUntil = 0;
  private wasLeader = false;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<LeaderTick> | null = null;
  private stopped = false;

  constructor(private readonly options: LeaderLockOptions) {
    this.ttlMs = options.ttlMs ?? 10_000;
    if (!(this.ttlMs >= 30)) throw new Error('the leader lock ttl must be at least 30 ms');
  }

  /** True while this process holds the lock. */
  get held(): boolean {
    const held = this.validUntil > performance.now();
    if (!held) this.note(false);
    return held;
  }

  /** Claims at once, then every ttl/3. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.tick(), Math.max(10, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
    void this.tick();
  }

  /** Renews the lock if this process holds it, else tries to take it; never throws. */
  tick(): Promise<LeaderTick> {
    this.ticking ??= this.claim().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  /** Stops claiming and gives the lock up (if Redis answers; else it expires within ttl). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    const mayHold = this.validUntil > 0;
    this.validUntil = 0;
    this.note(false);
    if (mayHold) await this.options.redis.eval(RELEASE, 1, this.options.key, this.token).catch(() => undefined);
  }

  private async claim(): Promise<LeaderTick> {
    if (this.stopped) return 'follower';
    const { redis, key } = this.options;
    const sentAt = performance.now();
    try {
      let lost = false;
      if (this.validUntil > 0) {
        const renewed = await redis.eval(RENEW, 1, key, this.token, String(this.ttlMs));
        if (renewed === 1) {
          this.validUntil = sentAt + this.ttlMs;
          this.note(true);
          return 'renewed';
        }
        // the key expired (or Redis lost it): someone else may hold it now
        lost = true;
        this.validUntil = 0;
        this.note(false);
      }
      const set = await redis.set(key, this.token, 'PX', this.ttlMs, 'NX');
      if (set !== 'OK') return lost ? 'lost' : 'follower';
      this.validUntil = sentAt + this.ttlMs;
      this.note(true);
      return 'acquired';
    } catch {
      // Redis away: a held claim stays good until it would have expired
      if (!(this.validUntil > performance.now())) {
        this.validUntil = 0;
        this.note(false);
      }
      return 'unreachable';
    }
  }

  private note(leader: boolean): void {
    // a claim that lands while stopping is released by stop(), never announced
    if (leader === this.wasLeader || (leader && this.stopped)) return;
    this.wasLeader = leader;
    this.options.onChange?.(leader);
  }
}
