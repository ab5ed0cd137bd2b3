/**
 * The `caseflow` program as the composition root builds it, to run as a real process in tests:
 * `node -r tsx/cjs serverCli.ts …`.
 */
import { run } from '../../../app/cli';

run(process.argv).catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
