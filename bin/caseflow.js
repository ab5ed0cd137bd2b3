#!/usr/bin/env node
// The package bin. It runs the compiled CLI (dist/, built by `npm run build`, which `npm ci` runs
// at `prepare`), so that a start costs no TypeScript compilation. In a clone without dist/, or with
// CASEFLOW_FROM_SOURCE=1 (the tests, development), it runs the TypeScript through tsx instead.
//
// Signals: `npx caseflow serve` and `npm exec` run this file under npm (and a shell), and npm does
// not pass SIGTERM or SIGINT on: it exits and leaves this process running. So when npm started
// this process and the process that started it goes away, it stops as if it had been sent SIGTERM
// (the long-running commands stop gracefully on it). Started any other way (a service manager,
// nohup, a container), a parent that exits changes nothing.
if (process.env.npm_command !== undefined && process.ppid !== 1) {
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    process.kill(process.pid, 'SIGTERM');
  }, 250);
  watch.unref();
}
const fs = require('node:fs');
const path = require('node:path');

const compiled = path.join(__dirname, '..', 'dist', 'app', 'cli.js');
const fromSource = process.env.CASEFLOW_FROM_SOURCE === '1' || !fs.existsSync(compiled);
if (fromSource) require('tsx/cjs');
require(fromSource ? '../app/cli.ts' : compiled)
  .run(process.argv)
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
