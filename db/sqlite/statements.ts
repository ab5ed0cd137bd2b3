/**
 * The write path's hot statements as plain better-sqlite3 statements, prepared once per connection:
 * the SQL text is made from the drizzle schema's column names, rows come back keyed by the records'
 * field names (`"state_id" AS "stateId"`) and parameters are bound by name (`@stateId`), so no
 * query builder maps parameters and rows on every call.
 */
import type { Table } from 'drizzle-orm';
import { columnOf, columnsOf, quoted, tableName } from '../drizzle/sqlText';

export { columnsOf, selectList, tableName } from '../drizzle/sqlText';

/** `INSERT INTO table (every column but `without`) VALUES (@field, …)`: bound from a record by field name. */
export function insertSql(table: Table, without: readonly string[] = []): string {
  const columns = columnsOf(table, without);
  return `INSERT INTO ${tableName(table)} (${columns.map(([, column]) => quoted(column)).join(', ')}) VALUES (${columns.map(([field]) => `@${field}`).join(', ')})`;
}

/** `"column" = @field, …` for the given fields. */
export function assignments(table: Table, fields: readonly string[]): string {
  return fields.map((field) => `${quoted(columnOf(table, field))} = @${field}`).join(', ');
}
