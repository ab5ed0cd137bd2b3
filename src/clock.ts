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

/**
 * A clock that reads `origin` at the real moment `realStart` and runs `rate` times faster than
 * real time: compressed time for demos and drills. Processes given the same three numbers share
 * one case time.
 */
export class ScaledClock implements Clock {
  private realStart: number;
  constructor(
    private readonly origin: number,
    readonly rate: number,
    private readonly realNow: () => number = Date.now,
    realStart?: number,
  ) {
    if (!(rate > 0)) throw new Error('rate must be greater than 0');
    this.realStart = realStart ?? realNow();
  }
  now(): number {
    return this.origin + (this.realNow() - this.realStart) * this.rate;
  }
  /** Starts case time again from the origin, now: so slow set-up does not eat into compressed time. */
  restart(): void {
    this.realStart = this.realNow();
  }
}

/**
 * The clock a process runs on: the system clock, unless `CASEFLOW_CLOCK_ORIGIN` (an ISO moment) asks
 * for compressed case time, with `CASEFLOW_CLOCK_RATE` (case ms per real ms, default 1) and
 * `CASEFLOW_CLOCK_REAL_START` (the real epoch ms at which case time reads the origin, default now).
 */
export function clockFromEnv(env: NodeJS.ProcessEnv = process.env): Clock {
  const origin = env.CASEFLOW_CLOCK_ORIGIN;
  if (!origin) return systemClock;
  const at = Date.parse(origin);
  const rate = Number(env.CASEFLOW_CLOCK_RATE ?? '1');
  const realStart = env.CASEFLOW_CLOCK_REAL_START === undefined ? undefined : Number(env.CASEFLOW_CLOCK_REAL_START);
  if (Number.isNaN(at)) throw new Error(`CASEFLOW_CLOCK_ORIGIN must be a date-time such as 2026-11-25T20:00:00+08:00, got "${origin}"`);
  if (!(rate > 0)) throw new Error(`CASEFLOW_CLOCK_RATE must be a number greater than 0, got "${env.CASEFLOW_CLOCK_RATE}"`);
  if (realStart !== undefined && !Number.isFinite(realStart)) throw new Error('CASEFLOW_CLOCK_REAL_START must be epoch milliseconds');
  return new ScaledClock(at, rate, Date.now, realStart);
}
