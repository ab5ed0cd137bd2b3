/**
 * The write path's hot statements as named (prepared) node-postgres statements: the SQL text is
 * made once, from the drizzle schema's column names, and PostgreSQL parses and plans each statement
 * once per connection instead of on every call. Rows come back keyed by the records' field names
 * (`"state_id" AS "stateId"`), read with the pool's parsers (int8 as a number, jsonb as text).
 */
import type { Table } from 'drizzle-orm';
import type pg from 'pg';
import { columnOf, quoted, tableName } from '../drizzle/sqlText';

/** A statement PostgreSQL prepares once per connection under its name. */
export interface Statement {
  readonly name: string;
  readonly text: string;
}

/** Runs named statements on one connection: a transaction's. */
export type RunStatement = <Row extends object>(statement: Statement, values: readonly unknown[]) => Promise<pg.QueryResult<Row>>;

/** The runner of named statements on `client`. */
export function statementRunner(client: pg.ClientBase): RunStatement {
  return <Row extends object>(statement: Statement, values: readonly unknown[]) =>
    client.query<Row>({ name: statement.name, text: statement.text, values: values as unknown[] });
}

export { columnsOf, selectList, tableName } from '../drizzle/sqlText';

/** `INSERT INTO table (columns) VALUES ($1, …)` for the given fields, in that order. */
export function insertStatement(prefix: string, table: Table, fields: readonly string[], suffix = ''): Statement {
  const columns = fields.map((field) => quoted(columnOf(table, field)));
  const values = fields.map((_, i) => `$${i + 1}`).join(', ');
  return named(prefix, `INSERT INTO ${tableName(table)} (${columns.join(', ')}) VALUES (${values})${suffix ? ` ${suffix}` : ''}`);
}

/** A statement name that is the same for the same text: named statements of different texts never meet on one connection. */
export function named(prefix: string, text: string): Statement {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return { name: `cf_${prefix}_${hash.toString(36)}`, text };
}
