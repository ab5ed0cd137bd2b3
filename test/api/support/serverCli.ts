/**
 * A `caseflow` program with only the server commands, wired the way main.ts wires them (global
 * --db and --json), to run as a real process in tests: `node -r tsx/cjs serverCli.ts …`.
 */
import { Command } from 'commander';
import { openCaseflow } from '../../../src/app';
import { registerServerCommands } from '../../../src/cli/serverCommands';
import { CaseflowError } from '../../../src/errors';

const program = new Command('caseflow').option('--db <file>').option('--json');
registerServerCommands(program, () => openCaseflow({ dbFile: program.opts<{ db: string }>().db }));
program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CaseflowError) process.stderr.write(`${error.code}: ${error.message}\n`);
  else process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
