/**
 * The store contract on SQLite: every test on its own database file in a fresh temporary folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteStore } from '../../db/sqlite';
import { storeContract } from './storeContract';

storeContract(
  'sqlite',
  () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-store-'));
    const store = openSqliteStore(path.join(dir, 'caseflow.sqlite'));
    return Promise.resolve({
      store,
      cleanup: async () => {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    });
  }
);
