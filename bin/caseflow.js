#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the package works straight from a clone.
require('tsx/cjs');
require('../src/cli/main.ts')
  .main(process.argv)
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
