// Architecture boundaries for caseflow, checked by `npm run layers` (and so by `npm run check` and CI).
// The script passes the folders as one brace glob, "{app,src,workers,db,machines,test}", so a folder that
// does not exist yet (app/) is skipped; a plain folder argument that is missing makes depcruise fail.
//
// Layout (top to bottom; imports only go downward):
//   app/                  composition roots and the demo: may import anything
//   src/api/, src/cli/    HTTP routes, CLI commands
//   workers/              BullMQ worker, dispatcher, notifier
//   src/auth/, src/engine/, src/deadlines/, src/time/
//   src/*.ts              kernel: errors, clock, logger, bus
//   machines/             case definitions (pure data)
//   db/*.ts               the Store port (interfaces and record types only)
//   db/<dialect>/         the adapters (db/sqlite/, later db/postgres/)
//   test/, bench/         tests and benchmarks
//
// Paths are matched relative to the repo root; npm packages resolve to node_modules/<name>/...
// (or to the bare name when they are not installed, which the `npm()` helper also catches).

/** the folders under db/ that hold a database adapter (and so may use a driver) */
const DIALECTS = ['sqlite', 'postgres'];

/** a regex source matching a dependency on any of the given npm packages (any subpath, its @types too, installed or not) */
const npm = (...names) => `(^|node_modules/)(@types/)?(${names.join('|')})(/|$)`;

const DRIVERS = npm('drizzle-orm', 'drizzle-kit', 'better-sqlite3', 'pg', 'postgres');
const QUEUE = npm('bullmq', 'ioredis');
/** files directly in src/ */
const KERNEL = '^src/[^/]+$';
/** files directly in db/ */
const PORT = '^db/[^/]+$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // 1. database drivers stay in the adapters
    {
      name: 'no-driver-outside-db',
      comment:
        'Only the db/<dialect>/ adapters, the SQL-text helpers they share (db/drizzle/) and their tests in test/db/ may touch drizzle, better-sqlite3, pg or postgres; everything else, the db/*.ts port included, goes through the Store port.',
      severity: 'error',
      from: {
        pathNot: [`^db/(${DIALECTS.join('|')})/`, '^db/drizzle/', '^test/db/', '^drizzle\\.config[^/]*\\.ts$'],
      },
      to: { path: DRIVERS },
    },

    // 2. machines are pure data
    {
      name: 'machines-pure',
      comment:
        'Case definitions in machines/ are pure data: they may import only other machines/ files and the xstate and zod packages (no Node built-ins, no src/, db/, workers/ or app/).',
      severity: 'error',
      from: { path: '^machines/' },
      to: { pathNot: ['^machines/', npm('xstate', 'zod')] },
    },

    // 3. no module-level cycles
    {
      name: 'no-circular',
      comment: 'Modules must not import each other in a cycle, however long; break it by moving the shared part down a layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },

    // 4. layering: only downward arrows
    {
      name: 'app-is-top',
      comment: 'app/ is the composition root, so nothing but app/ itself, test/ and bench/ may import it.',
      severity: 'error',
      from: { pathNot: '^(app|test|bench)/' },
      to: { path: '^app/' },
    },
    {
      name: 'no-workers-from-below',
      comment: 'src/, db/ and machines/ sit below the workers, so they must never import workers/.',
      severity: 'error',
      from: { path: '^(src|db|machines)/' },
      to: { path: '^workers/' },
    },
    {
      name: 'workers-not-to-entrypoints',
      comment: 'workers/ is a sibling of the HTTP and CLI entry points, so it must not import src/api/ or src/cli/.',
      severity: 'error',
      from: { path: '^workers/' },
      to: { path: '^src/(api|cli)/' },
    },
    {
      name: 'core-not-to-entrypoints',
      comment: 'The engine, deadlines, time, auth and the kernel are below the entry points, so they must never import src/api/ or src/cli/.',
      severity: 'error',
      from: { path: ['^src/(engine|deadlines|time|auth)/', KERNEL] },
      to: { path: '^src/(api|cli)/' },
    },
    {
      name: 'api-not-to-cli',
      comment: 'The HTTP routes must not import the CLI commands (the CLI may use the API, not the other way round).',
      severity: 'error',
      from: { path: '^src/api/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'engine-auth-apart',
      comment: 'src/engine and src/auth are siblings: neither may import the other, only the layers above combine them.',
      severity: 'error',
      from: { path: '^src/(engine|auth)/' },
      to: { path: '^src/(engine|auth)/', pathNot: '^src/$1/' },
    },
    {
      name: 'deadlines-not-to-engine',
      comment: 'src/deadlines is pure ladder arithmetic below the engine, so it must not import src/engine.',
      severity: 'error',
      from: { path: '^src/deadlines/' },
      to: { path: '^src/engine/' },
    },
    {
      name: 'time-is-bottom',
      comment: 'src/time holds the pure calendars at the bottom of src/, so it must not import src/engine, src/deadlines or src/auth.',
      severity: 'error',
      from: { path: '^src/time/' },
      to: { path: '^src/(engine|deadlines|auth)/' },
    },
    {
      name: 'kernel-not-to-subfolders',
      comment: 'The kernel files directly in src/ (errors, clock, logger, bus) are the bottom of src/ and must not import any src/ subfolder.',
      severity: 'error',
      from: { path: KERNEL },
      to: { path: '^src/[^/]+/' },
    },
    {
      name: 'db-is-bottom',
      comment: 'db/ (port and adapters) sits below the application, so it must never import src/, workers/ or app/.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^(src|workers|app)/' },
    },
    {
      name: 'port-not-to-adapters',
      comment: 'The Store port in db/*.ts declares interfaces and records only, so it must not import a db/<dialect>/ adapter.',
      severity: 'error',
      from: { path: PORT },
      to: { path: '^db/[^/]+/' },
    },
    {
      name: 'queue-only-in-workers',
      comment: 'bullmq and ioredis belong to the worker layer: only workers/, app/, test/ and bench/ may import them.',
      severity: 'error',
      from: { pathNot: '^(workers|app|test|bench)/' },
      to: { path: QUEUE },
    },

    // 5. folder-level cycles (native: dependency-cruiser aggregates modules to folders when scope is 'folder')
    {
      name: 'no-folder-cycles',
      comment: 'Two folders must never import each other (directly or round a longer loop of folders), even when the individual modules form no cycle.',
      severity: 'error',
      scope: 'folder',
      from: {},
      to: { circular: true },
    },
  ],

  options: {
    // see the npm packages (so the rules above can match them) but do not cruise into them
    doNotFollow: { path: 'node_modules' },
    // NB: node_modules is deliberately not in `exclude`: exclude also drops the *dependencies*
    // on excluded paths, which would blind the driver and queue rules above
    exclude: { path: '^(coverage|bench/results)/|^db/(.*/|)migrations/' },
    // type-only imports count too: a port that imports a driver's types still depends on the driver
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
