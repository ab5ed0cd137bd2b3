// Preloaded with `node -r` by test/cli/startup.test.ts: at exit, prints the npm packages the process
// loaded, one line on stderr, so a test can tell what a command paid for.
'use strict';
process.on('exit', () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const match = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file);
    if (match) packages.add(match[1].replace('\\', '/'));
  }
  process.stderr.write(`\nLOADED PACKAGES: ${[...packages].sort().join(' ')}\n`);
});
