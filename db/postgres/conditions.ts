/**
 * Conditions on columns that partial indexes filter on, written as literals: PostgreSQL uses a partial
 * index only where it can prove the query's condition implies the index's, which a generic plan of a
 * bound value cannot.
 */
import { sql } from 'drizzle-orm';
import { deadlines } from './schema';

/** The deadline's state is still active. */
export const RUNNING = sql`${deadlines.running} = true`;
/** The deadline is a limit, not a minimum period (public notice, probation). */
export const NOT_A_PERIOD = sql`${deadlines.period} = false`;
