/**
 * A `caseflow` program with only the server commands, wired the way main.ts wires them (global
 * --db and --json, and the same CLI context), to run as a real process in tests:
 * `node -r tsx/cjs serverCli.ts …`.
 */
import { Command } from 'commander';
import { openCaseflow, type Caseflow } from '../../../src/app';
import { registerServerCommands } from '../../../src/cli/serverCommands';
import { CaseflowError } from '../../../src/errors';

const program = new Command('caseflow').option('--db <file>').option('--json');
const globals = () => program.opts<{ db: string; json?: boolean }>();
const open = (): Caseflow => openCaseflow({ dbFile: globals().db });
registerServerCommands(program, {
  open,
  withCaseflow: <T>(fn: (cf: Caseflow) => T): T => {
    const cf = open();
    try {
      return fn(cf);
    } finally {
      cf.close();
    }
  },
  out: (value, text) => void process.stdout.write(globals().json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`),
});
program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CaseflowError) process.stderr.write(`${error.code}: ${error.message}\n`);
  else process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
