/**
 * A concurrency storm on PostgreSQL: four API server processes, 2,000 events each, on 50 shared
 * cases, every event sent with the version its sender last read. Every event is either accepted or
 * refused with VERSION_CONFLICT (never a 5xx); the accepted ones are exactly the versions the cases
 * moved by; and each case's log numbers its transitions 1..version with no gap and no repeat.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { openCaseflow, type ComposedCaseflow } from '../../app/compose';
import { postgresTestDatabases, type TestDatabase } from '../db/postgres/databases';
import { CLI, stopProcess } from '../support/processes';

const SERVERS = 4;
const EVENTS_PER_SERVER = 2000;
const CASES = 50;
const IN_FLIGHT_PER_SERVER = 6;

const supervisor = { id: 'li.wei', role: 'supervisor' } as const;
const liaison = { id: 'zhou.min', role: 'unitLiaison' } as const;

/** Starts `caseflow serve` on the database; resolves with its address once it listens. */
function serve(url: string): Promise<{ child: ChildProcess; address: string }> {
  const child = spawn(process.execPath, [CLI, '--json', 'serve', '--port', '0'], {
    env: { ...process.env, DATABASE_URL: url, CASEFLOW_DB: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"listening": "([^"]+)"/.exec(out);
      if (match) resolve({ child, address: match[1]! });
    });
    child.stderr.on('data', () => undefined);
    child.once('exit', (code) => reject(new Error(`caseflow serve exited early (${code}): ${out}`)));
  });
}

describe('a concurrency storm across four API processes on PostgreSQL', () => {
  const databases = postgresTestDatabases();
  let db: TestDatabase;
  let cf: ComposedCaseflow;
  let servers: { child: ChildProcess; address: string }[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => stopProcess(s.child)));
    await cf?.close();
    await db?.drop();
    await databases.dispose();
  });

  test('every event is accepted or VERSION_CONFLICT, the accepted ones are the versions moved, and no log has a gap', async () => {
    db = await databases.create();
    cf = await openCaseflow({ databaseUrl: db.url });
    await cf.accounts.addUser(liaison.id, liaison.role);
    const token = (await cf.accounts.createToken(liaison.id)).token;
    const ids: string[] = [];
    for (let i = 0; i < CASES; i++) {
      const opened = await cf.engine.createCase({
        type: 'rectification',
        input: { unit: `Unit ${i % 7}`, report: 'Seeing: a long queue', airedAt: new Date().toISOString(), planDueMinutes: 60 },
        actor: supervisor,
      });
      await cf.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
      await cf.engine.applyEvent(opened.id, { type: 'SUBMIT_PLAN', plan: 'A plan', measures: ['a measure'], completionDueAt: '2099-01-01T00:00:00Z' }, liaison);
      await cf.engine.applyEvent(opened.id, { type: 'ACCEPT_PLAN', reason: 'Concrete' }, supervisor);
      ids.push(opened.id);
    }
    const startVersions = new Map(await Promise.all(ids.map(async (id) => [id, (await cf.engine.getCase(id)).version] as const)));
    servers = await Promise.all(Array.from({ length: SERVERS }, () => serve(db.url)));

    const tally = { accepted: 0, conflicts: 0, other: [] as string[] };
    /** One sender per server: it remembers the versions it last read, and re-reads after a conflict. */
    const sender = async (address: string, seed: number) => {
      const known = new Map(startVersions);
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
      let sent = 0;
      const lane = async (n: number) => {
        while (sent < EVENTS_PER_SERVER) {
          sent += 1;
          const id = ids[(seed * 7919 + sent * 31 + n * 17) % CASES]!;
          const reply = await fetch(`${address}/cases/${id}/events`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ type: 'REPORT_PROGRESS', payload: { note: `note ${seed}-${sent}` }, expectedVersion: known.get(id) }),
          });
          const body = (await reply.json()) as { code?: string; case?: { version: number } };
          if (reply.status === 200) {
            tally.accepted += 1;
            known.set(id, body.case!.version);
          } else if (reply.status === 409 && body.code === 'VERSION_CONFLICT') {
            tally.conflicts += 1;
            const read = (await (await fetch(`${address}/cases/${id}`, { headers })).json()) as { version: number };
            known.set(id, read.version);
          } else tally.other.push(`${reply.status} ${body.code}`);
        }
      };
      await Promise.all(Array.from({ length: IN_FLIGHT_PER_SERVER }, (_, n) => lane(n)));
    };
    await Promise.all(servers.map((s, i) => sender(s.address, i + 1)));

    expect(tally.other).toEqual([]);
    expect(tally.accepted + tally.conflicts).toBeGreaterThanOrEqual(SERVERS * EVENTS_PER_SERVER);
    expect(tally.conflicts).toBeGreaterThan(0); // it was a storm: senders did collide
    let moved = 0;
    for (const id of ids) {
      const { version } = await cf.engine.getCase(id);
      moved += version - startVersions.get(id)!;
      const numbered = (await cf.engine.history(id)).filter((e) => e.kind === 'created' || e.kind === 'transition').map((e) => e.version);
      expect(numbered).toEqual(Array.from({ length: version }, (_, i) => i + 1));
    }
    expect(moved).toBe(tally.accepted);
  }, 240_000);
});
