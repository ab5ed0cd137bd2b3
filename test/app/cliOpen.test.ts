/**
 * How the CLI opens caseflow: on PostgreSQL with REDIS_URL set, on an event bus shared over Redis
 * (a signal from this process reaches the others); on SQLite, or without REDIS_URL, on a bus of its own.
 */
import { randomUUID } from 'node:crypto';
import { composeCli } from '../../app/cli';
import { connectRedisEventBus, RedisEventBus } from '../../app/redisEventBus';
import type { CaseflowSignal } from '../../src/bus';
import { LocalEventBus } from '../../src/bus';
import { createTestDatabase, disposeTestDatabases, type TestDatabase } from '../support/backend';
import { REDIS_URL, waitFor } from '../support/workers';

describe('the CLI’s open', () => {
  const saved = { REDIS_URL: process.env.REDIS_URL, CASEFLOW_QUEUE_PREFIX: process.env.CASEFLOW_QUEUE_PREFIX };
  const databases: TestDatabase[] = [];
  const database = async (backend: 'sqlite' | 'postgres') => {
    const db = await createTestDatabase(backend);
    databases.push(db);
    return db;
  };
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    for (const db of databases.splice(0)) await db.drop();
  });
  afterAll(() => disposeTestDatabases());

  test('PostgreSQL and REDIS_URL: a bus shared over Redis on <prefix>:signals', async () => {
    const prefix = `cftest-${randomUUID()}`;
    process.env.REDIS_URL = REDIS_URL;
    process.env.CASEFLOW_QUEUE_PREFIX = prefix;
    const db = await database('postgres');
    const cf = await composeCli().open({ databaseUrl: db.url! });
    const other = await connectRedisEventBus(REDIS_URL, { prefix });
    try {
      expect(cf.bus).toBeInstanceOf(RedisEventBus);
      expect((cf.bus as RedisEventBus).channel).toBe(`${prefix}:signals`);
      const heard: CaseflowSignal[] = [];
      other.subscribe((s) => heard.push(s));
      cf.bus.publish({ kind: 'deadlinesChanged' });
      await waitFor(() => heard.length === 1, 5000, 'the other process to hear the signal');
    } finally {
      await other.close();
      await cf.close();
    }
  });

  test('SQLite, or no REDIS_URL: a bus inside the process', async () => {
    process.env.REDIS_URL = REDIS_URL;
    const sqlite = await composeCli().open({ db: (await database('sqlite')).file! });
    expect(sqlite.bus).toBeInstanceOf(LocalEventBus);
    await sqlite.close();
    delete process.env.REDIS_URL;
    const postgres = await composeCli().open({ databaseUrl: (await database('postgres')).url! });
    expect(postgres.bus).toBeInstanceOf(LocalEventBus);
    await postgres.close();
  });
});
