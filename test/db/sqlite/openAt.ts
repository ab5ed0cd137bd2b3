/**
 * A separate process for the start-up race: loads the SQLite adapter, waits for the start moment
 * given on the command line (the same for every process), then opens the store and says so.
 * Usage: node -r tsx/cjs openAt.ts <file> <startAtEpochMs>
 */
import { openSqliteStore } from '../../../db/sqlite';

const [file, startAt] = process.argv.slice(2);
while (Date.now() < Number(startAt)) {
  // spin until the shared moment, so every process migrates at once
}
const store = openSqliteStore(file!);
void store.close().then(() => process.stdout.write('opened\n'));
