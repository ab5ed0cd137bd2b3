/**
 * The overdue sweep: a look at the database for ladder steps that should have fired a while ago.
 * A step's BullMQ job can be stuck with a worker that died holding it (BullMQ gives it to another
 * worker only after its lock and the stalled check run out, a minute or more) or lost with Redis;
 * the reconciler sees a stuck job as present. The sweep fires such steps through the engine's public
 * command, whose guarded reschedule makes each fire once: the stuck job, when it runs at last, is stale.
 */
import type { Store } from '../db/port';
import type { Clock } from '../src/clock';
import type { DeadlineCommands, FireOutcome } from '../src/engine/deadlineCommands';
import type { Logger } from '../src/logger';

export interface OverdueSweepOptions {
  store: Store;
  deadlines: DeadlineCommands;
  clock: Clock;
  logger: Logger;
  /** How long (real ms) past its moment a step must be before the sweep fires it. @defaultValue 3000 */
  lagMs?: number;
  /** Steps looked at per sweep. @defaultValue 500 */
  batchSize?: number;
  /** Steps fired at once (a dead worker may have held hundreds). @defaultValue 16 */
  concurrency?: number;
  /** Called after each step the sweep fired: schedules the next step and sends notifications. */
  afterFire?: (outcome: Extract<FireOutcome, { kind: 'fired' }>) => void;
}

/** Fires, once, the steps that are overdue by more than the lag. */
export class OverdueSweep {
  private readonly lagMs: number;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private running: Promise<number> | null = null;

  constructor(private readonly options: OverdueSweepOptions) {
    this.lagMs = options.lagMs ?? 3000;
    this.batchSize = options.batchSize ?? 500;
    this.concurrency = options.concurrency ?? 16;
    if (this.lagMs < 0) throw new Error('lagMs must not be negative');
    if (this.batchSize < 1) throw new Error('batchSize must be at least 1');
    if (this.concurrency < 1) throw new Error('concurrency must be at least 1');
  }

  /** One sweep (a second call while one runs joins it); returns how many steps it fired. */
  sweep(): Promise<number> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The sweep in progress, if any (for a clean shutdown). */
  get inProgress(): Promise<number> | null {
    return this.running;
  }

  private async run(): Promise<number> {
    const { store, deadlines, clock, logger } = this.options;
    // the lag is real time: in compressed case time it spans `rate` times as many case milliseconds
    const before = clock.now() - this.lagMs * clock.rate;
    const overdue = await store.read((tx) => tx.deadlines.overdueWakeUps(before, this.batchSize));
    let fired = 0;
    let next = 0;
    const fireNext = async (): Promise<void> => {
      for (let w = overdue[next++]; w; w = overdue[next++]) {
        try {
          const outcome = await deadlines.fire(w.deadlineId, w.scheduleRev);
          if (outcome.kind !== 'fired') continue;
          fired += 1;
          logger.warn('fired an overdue step its queue job had not', { caseId: outcome.caseId, deadlineId: outcome.deadlineId, step: outcome.step, latenessMs: outcome.latenessMs });
          this.options.afterFire?.(outcome);
        } catch (error) {
          logger.warn('the sweep could not fire an overdue step; it tries again next time', { deadlineId: w.deadlineId, error: String(error) });
        }
      }
    };
    // earliest first, a few at a time: steps of one case are retried by fire() when they race
    await Promise.all(Array.from({ length: Math.min(this.concurrency, overdue.length) }, fireNext));
    return fired;
  }
}
