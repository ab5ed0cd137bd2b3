/**
 * Seals, once, the case-log rows an older caseflow wrote before the hash chain: run right after the
 * migrations, under the migration lock, while the migration's `case_log_backfill` table is there (it is dropped when done).
 * The append-only trigger lets a row without a hash get its link once, and nothing else.
 */
import type Database from 'better-sqlite3';
import { EMPTY_HEAD, sealBacklog, type UnsealedRow } from '../chain';
import type { ChainHead } from '../records';

const PAGE = 5000;

/** Chains every unsealed row in one transaction, then drops the due mark; does nothing when none is due. */
export function backfillCaseLogChains(client: Database.Database): void {
  const due = client.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'case_log_backfill'").get() as { n: number };
  if (due.n === 0) return;
  const page = client.prepare(
    `SELECT id, case_id AS caseId, version, kind, type, actor_id AS actorId, actor_role AS actorRole, at, payload,
            from_state AS fromState, to_state AS toState
       FROM case_events WHERE hash IS NULL AND id > ? ORDER BY id LIMIT ?`,
  );
  const headOf = client.prepare('SELECT chain_seq AS seq, chain_head AS hash FROM cases WHERE id = ?');
  const seal = client.prepare('UPDATE case_events SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?');
  const moveHead = client.prepare('UPDATE cases SET chain_seq = ?, chain_head = ? WHERE id = ?');
  client
    .transaction(() => {
      const heads = new Map<string, ChainHead>();
      for (let after = 0; ; ) {
        const rows = page.all(after, PAGE) as UnsealedRow[];
        if (rows.length === 0) break;
        for (const link of sealBacklog(rows, heads, (caseId) => (headOf.get(caseId) as ChainHead | undefined) ?? EMPTY_HEAD)) {
          seal.run(link.seq, link.prevHash, link.hash, link.id);
        }
        after = rows[rows.length - 1]!.id;
      }
      for (const [caseId, head] of heads) moveHead.run(head.seq, head.hash, caseId);
      client.exec('DROP TABLE case_log_backfill');
    })
    .immediate();
}
