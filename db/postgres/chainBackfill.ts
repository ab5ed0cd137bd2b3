/**
 * Seals, once, the case-log rows an older caseflow wrote before the hash chain: run right after the
 * migrations on the connection that holds the migration lock, while the migration's
 * `case_log_backfill` table is there (it is dropped when done). The append-only trigger lets a row without a hash get its
 * link once, and nothing else.
 */
import type pg from 'pg';
import { EMPTY_HEAD, sealBacklog, type UnsealedRow } from '../chain';
import type { ChainHead } from '../records';

const PAGE = 5000;

/** Chains every unsealed row in one transaction, then drops the due mark; does nothing when none is due. */
export async function backfillCaseLogChains(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
  try {
    const due = await client.query<{ due: boolean }>("SELECT to_regclass('case_log_backfill') IS NOT NULL AS due");
    if (due.rows[0]!.due) await sealAll(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function sealAll(client: pg.ClientBase): Promise<void> {
  const heads = new Map<string, ChainHead>();
  for (let after = 0; ; ) {
    const { rows } = await client.query<UnsealedRow>(
      `SELECT id, case_id AS "caseId", version, kind, type, actor_id AS "actorId", actor_role AS "actorRole", at, payload,
              from_state AS "fromState", to_state AS "toState"
         FROM case_events WHERE hash IS NULL AND id > $1 ORDER BY id LIMIT $2`,
      [after, PAGE],
    );
    if (rows.length === 0) break;
    const unknown = [...new Set(rows.map((r) => r.caseId).filter((id) => !heads.has(id)))];
    const stored = await client.query<{ id: string; seq: number; hash: string }>('SELECT id, chain_seq AS seq, chain_head AS hash FROM cases WHERE id = ANY($1)', [unknown]);
    const startHeads = new Map(stored.rows.map((r) => [r.id, { seq: r.seq, hash: r.hash }]));
    const links = sealBacklog(rows, heads, (caseId) => startHeads.get(caseId) ?? EMPTY_HEAD);
    await client.query(
      `UPDATE case_events e SET seq = l.seq, prev_hash = l.prev_hash, hash = l.hash
         FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[]) AS l(id, seq, prev_hash, hash) WHERE e.id = l.id`,
      [links.map((l) => l.id), links.map((l) => l.seq), links.map((l) => l.prevHash), links.map((l) => l.hash)],
    );
    after = rows[rows.length - 1]!.id;
  }
  const moved = [...heads];
  await client.query(
    `UPDATE cases c SET chain_seq = h.seq, chain_head = h.hash FROM unnest($1::text[], $2::int[], $3::text[]) AS h(id, seq, hash) WHERE c.id = h.id`,
    [moved.map(([id]) => id), moved.map(([, h]) => h.seq), moved.map(([, h]) => h.hash)],
  );
  await client.query('DROP TABLE case_log_backfill');
}
