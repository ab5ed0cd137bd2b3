/**
 * Conditions on columns that partial indexes filter on, written as literals: SQLite re-plans a
 * statement on every run when such a column is compared with a bound value, which costs more than
 * the query itself on the write path.
 */
import { sql } from 'drizzle-orm';
import { deadlines } from './schema';

/** The deadline's state is still active. */
export const RUNNING = sql`${deadlines.running} = 1`;
/** The deadline is a limit, not a minimum period (public notice, probation). */
export const NOT_A_PERIOD = sql`${deadlines.period} = 0`;
