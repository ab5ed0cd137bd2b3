#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the package works straight from a clone.
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
require('tsx/cjs');
require('../app/cli.ts')
  .run(process.argv)
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
