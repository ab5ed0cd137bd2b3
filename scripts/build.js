#!/usr/bin/env node
// Builds dist/: the TypeScript compiled to CommonJS by tsc (tsconfig.build.json), then the files the
// code reads beside itself at run time (migrations, page templates, assets) copied next to it.
// Run by `npm run build` and by `prepare`, so `npm ci` leaves a CLI that starts without tsx.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const dist = path.join(root, 'dist');
let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc');
} catch {
  // an install without the development dependencies (npm ci --omit=dev) keeps the dist/ it was given
  console.error('caseflow build: TypeScript is not installed, dist/ left as it is');
  process.exit(0);
}
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
for (const folder of ['db/sqlite/migrations', 'db/postgres/migrations', 'src/web/views', 'src/web/assets']) {
  fs.cpSync(path.join(root, folder), path.join(dist, folder), { recursive: true });
}
