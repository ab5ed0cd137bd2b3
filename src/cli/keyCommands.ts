/**
 * Operator commands for the identity keys: `keys generate [--kid ID] [--out FILE]` makes a new
 * key-encryption key (`kid:base64`), and `keys rotate` opens the data file and re-wraps every
 * reporter identity's data key under the current key (CASEFLOW_IDENTITY_KEY or the first line of
 * CASEFLOW_IDENTITY_KEY_FILE), reading the old ones from CASEFLOW_IDENTITY_KEYRING_FILE. The
 * identities' fields are never opened; identities stored before sealing are sealed on the way.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import { InvalidPayloadError } from '../errors';
import { newKeyLine, parseKeyEncryptionKey } from '../privacy/identitySeal';
import type { Caseflow, CliContext } from './context';

/** Adds the `keys` commands to `program`. */
export function registerKeyCommands<C extends Caseflow>(program: Command, { withCaseflow, out }: CliContext<C>): void {
  const keys = program.command('keys').description('the keys that seal reporters’ identities');
  keys
    .command('generate')
    .description('make a new identity key, kid:base64 (32 random bytes); with --out, into a file only its owner may read')
    .option('--kid <id>', 'the key id (letters, digits, ".", "_", "-"), e.g. 2026-12')
    .option('--out <file>', 'write the key to this file (it must not exist yet) instead of printing it')
    .action((opts: { kid?: string; out?: string }) => {
      const line = newKeyLine(opts.kid ?? `k-${randomBytes(4).toString('hex')}`);
      const { kid } = parseKeyEncryptionKey(line, '--kid');
      if (!opts.out) {
        process.stdout.write(`${line}\n`);
        return;
      }
      try {
        fs.writeFileSync(opts.out, `${line}\n`, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        throw new InvalidPayloadError('keys generate', [{ path: '--out', message: `"${opts.out}" cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)}); it must not exist yet` }]);
      }
      out({ kid, file: opts.out }, () => `identity key ${kid} written to ${opts.out}`);
    });
  keys
    .command('rotate')
    .description('re-wrap every identity’s data key under the current key; old keys from $CASEFLOW_IDENTITY_KEYRING_FILE (the fields are not decrypted)')
    .action(() =>
      withCaseflow(async (cf) => {
        const report = await cf.engine.identities.rotateKeys();
        out(report, () => `identity keys: ${report.rewrapped} data key(s) re-wrapped under ${report.keyId}; ${report.sealed} plain identit${report.sealed === 1 ? 'y' : 'ies'} sealed`);
      }),
    );
}
