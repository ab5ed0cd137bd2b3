/**
 * SQL text made from a drizzle schema, the same in both dialects: quoted identifiers, a table's
 * columns by record field, select lists whose rows come back keyed by field, and table names
 * (unqualified: on PostgreSQL the connection's search_path names the schema).
 */
import { getTableColumns, getTableName, type Table } from 'drizzle-orm';

/** An identifier in double quotes, its own quotes doubled. */
export const quoted = (identifier: string): string => `"${identifier.replaceAll('"', '""')}"`;

/** A table's columns as [record field, column name], optionally without some fields. */
export function columnsOf(table: Table, without: readonly string[] = []): [field: string, column: string][] {
  return Object.entries(getTableColumns(table))
    .filter(([field]) => !without.includes(field))
    .map(([field, column]) => [field, column.name]);
}

/** The column name of one record field, or an error naming the table and field. */
export function columnOf(table: Table, field: string): string {
  const column = getTableColumns(table)[field];
  if (column === undefined) throw new Error(`${getTableName(table)} has no column for ${field}`);
  return column.name;
}

/** `"column" AS "field", …`: a select list whose rows are records. */
export const selectList = (columns: readonly [string, string][]): string => columns.map(([field, column]) => `${quoted(column)} AS ${quoted(field)}`).join(', ');

/** The table's quoted name. */
export const tableName = (table: Table): string => quoted(getTableName(table));
