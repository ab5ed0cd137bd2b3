/**
 * The write path's hot statements as plain better-sqlite3 statements, prepared once per connection:
 * the SQL text is made from the drizzle schema's column names, rows come back keyed by the records'
 * field names (`"state_id" AS "stateId"`) and parameters are bound by name (`@stateId`), so no
 * query builder maps parameters and rows on every call.
 */
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';

const quoted = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** A table's columns as [record field, column name], optionally without some fields. */
export function columnsOf(table: Table, without: readonly string[] = []): [field: string, column: string][] {
  return Object.entries(getTableColumns(table))
    .filter(([field]) => !without.includes(field))
    .map(([field, column]) => [field, column.name]);
}

/** `"column" AS "field", …`: a select list whose rows are records. */
export const selectList = (columns: readonly [string, string][]): string => columns.map(([field, column]) => `${quoted(column)} AS ${quoted(field)}`).join(', ');

/** The table's quoted name. */
export const tableName = (table: Table): string => quoted(getTableName(table));

/** `INSERT INTO table (every column but `without`) VALUES (@field, …)`: bound from a record by field name. */
export function insertSql(table: Table, without: readonly string[] = []): string {
  const columns = columnsOf(table, without);
  return `INSERT INTO ${tableName(table)} (${columns.map(([, column]) => quoted(column)).join(', ')}) VALUES (${columns.map(([field]) => `@${field}`).join(', ')})`;
}

/** `"column" = @field, …` for the given fields. */
export function assignments(table: Table, fields: readonly string[]): string {
  const byField = new Map(columnsOf(table));
  return fields
    .map((field) => {
      const column = byField.get(field);
      if (column === undefined) throw new Error(`${getTableName(table)} has no column for ${field}`);
      return `${quoted(column)} = @${field}`;
    })
    .join(', ');
}
