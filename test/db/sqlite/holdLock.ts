/**
 * A separate process that holds the write lock of an SQLite file for a while, as a busy neighbour
 * would: says "locked" once it has it, then commits after `holdMs`.
 * Usage: node -r tsx/cjs holdLock.ts <file> <holdMs>
 */
import Database from 'better-sqlite3';

const [file, holdMs] = process.argv.slice(2);
const db = new Database(file);
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\n');
setTimeout(() => {
  db.exec('COMMIT');
  db.close();
}, Number(holdMs));
