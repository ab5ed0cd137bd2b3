#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the package works straight from a clone.
require('tsx/cjs');
require('../app/cli.ts')
  .run(process.argv)
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
