/**
 * Time, injected: the engine, workers and tests never read the wall clock directly.
 */

/** A source of the current time, in epoch milliseconds. */
export interface Clock {
  now(): number;
  /**
   * Case-time milliseconds that pass per real millisecond. 1 for the system clock; 60 means one
   * case-minute per real second (the demo compresses time this way). Workers divide delays by it.
   */
  readonly rate: number;
}

/** The real wall clock. */
export const systemClock: Clock = { now: () => Date.now(), rate: 1 };

/** A clock a test moves by hand. */
export class ManualClock implements Clock {
  readonly rate = 1;
  constructor(private current: number) {}
  now(): number {
    return this.current;
  }
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('a clock only moves forward');
    this.current += ms;
  }
  /** Moves time to an absolute instant (not backwards). */
  set(at: number | Date | string): void {
    const ms = typeof at === 'number' ? at : new Date(at).getTime();
    if (ms < this.current) throw new Error('a clock only moves forward');
    this.current = ms;
  }
}

/** A clock that starts at `origin` and runs `rate` times faster than real time: compressed time for demos. */
export class ScaledClock implements Clock {
  private realStart: number;
  constructor(
    private readonly origin: number,
    readonly rate: number,
    private readonly realNow: () => number = Date.now,
  ) {
    if (!(rate > 0)) throw new Error('rate must be greater than 0');
    this.realStart = realNow();
  }
  now(): number {
    return this.origin + (this.realNow() - this.realStart) * this.rate;
  }
  /** Starts case time again from the origin, now: so slow set-up does not eat into compressed time. */
  restart(): void {
    this.realStart = this.realNow();
  }
}
