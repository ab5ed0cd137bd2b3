/**
 * Errors of the storage port that callers can act on, whatever the backend: the store is busy (a
 * lock held too long) or unreachable. Adapters turn their drivers' errors into these; the API and
 * the CLI report them in caseflow's one error shape (503 with Retry-After over HTTP).
 */

/** Why the store could not serve a request. */
export type StoreUnavailableReason = 'busy' | 'unreachable';

/** The store could not serve the request now; nothing was written. Try again shortly. */
export class StoreUnavailableError extends Error {
  readonly code = 'STORE_UNAVAILABLE';
  constructor(
    readonly reason: StoreUnavailableReason,
    /** How long to wait before trying again, in ms. */
    readonly retryAfterMs: number,
    override readonly cause?: unknown,
  ) {
    super(
      reason === 'busy'
        ? 'The database is busy with other work and could not take this request in time; nothing was recorded. Try again in a moment.'
        : 'The database cannot be reached right now; nothing was recorded. Try again in a moment.',
    );
    this.name = 'StoreUnavailableError';
  }
}
