/**
 * Operator commands for the case log's evidence: `audit verify [CASE_ID | --all] [--checkpoint FILE]`,
 * `audit checkpoint [--out FILE]` and `audit keygen --out FILE`. The Ed25519 key is read from the
 * PEM file `CASEFLOW_AUDIT_KEY_FILE` names (its private key signs; either key verifies).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import type { Command } from 'commander';
import type { AuditReport, SignedCheckpoint } from '../engine/audit';
import { AuditKeyError, CaseLogBrokenError, InvalidPayloadError } from '../errors';
import type { Caseflow, CliContext } from './context';

/** The environment variable naming the audit key file. */
export const AUDIT_KEY_ENV = 'CASEFLOW_AUDIT_KEY_FILE';

/** The Ed25519 key in the file `CASEFLOW_AUDIT_KEY_FILE` names: the private key when the file holds one. */
export function auditKeyFromEnv(env: NodeJS.ProcessEnv = process.env): KeyObject {
  const file = env[AUDIT_KEY_ENV];
  if (!file) throw new AuditKeyError(`No audit key: set ${AUDIT_KEY_ENV} to the PEM file of the Ed25519 key (make one with "caseflow audit keygen --out FILE").`);
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch {
    throw new AuditKeyError(`The audit key file "${file}" (${AUDIT_KEY_ENV}) cannot be read. Check the path and its permissions.`, { file });
  }
  let key: KeyObject;
  try {
    key = pem.includes('PRIVATE KEY') ? createPrivateKey(pem) : createPublicKey(pem);
  } catch {
    throw new AuditKeyError(`The audit key file "${file}" does not hold a PEM key.`, { file });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new AuditKeyError(`The audit key in "${file}" is ${key.asymmetricKeyType ?? 'not asymmetric'}; an Ed25519 key is needed.`, { file });
  return key;
}

function readCheckpoint(file: string): SignedCheckpoint {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    throw new InvalidPayloadError('--checkpoint file', [{ path: 'checkpoint', message: `"${file}" cannot be read as a checkpoint (JSON)` }]);
  }
  const c = parsed as Partial<SignedCheckpoint> | null;
  if (!c || typeof c.lastEventId !== 'number' || typeof c.headsDigest !== 'string' || typeof c.cases !== 'number' || typeof c.at !== 'string' || typeof c.signature !== 'string') {
    throw new InvalidPayloadError('--checkpoint file', [{ path: 'checkpoint', message: `"${file}" is not a caseflow checkpoint` }]);
  }
  return c as SignedCheckpoint;
}

/** The report as text: a line per broken case, and the checkpoint's verdict. */
function printReport(report: AuditReport): string {
  const lines = [`${report.ok ? 'OK' : 'BROKEN'}: ${report.cases} case(s), ${report.events} log entries checked`];
  for (const b of report.breaks) lines.push(`  ${b.reason}: ${b.message}`);
  if (report.checkpoint) lines.push(report.checkpoint.ok ? `  checkpoint at entry ${report.checkpoint.lastEventId}: matches` : `  ${report.checkpoint.problem!.reason}: ${report.checkpoint.problem!.message}`);
  return lines.join('\n');
}

/** Adds the `audit` commands to `program`. */
export function registerAuditCommands<C extends Caseflow>(program: Command, { withCaseflow, out }: CliContext<C>): void {
  const audit = program.command('audit').description('verify the hash-chained case log; signed checkpoints');
  audit
    .command('verify [caseId]')
    .description('check one case\'s log chain, or with --all every case; exits non-zero naming the first broken link')
    .option('--all', 'every case')
    .option('--checkpoint <file>', `with --all: also check against a signed checkpoint (key: $${AUDIT_KEY_ENV})`)
    .action((caseId: string | undefined, opts: { all?: boolean; checkpoint?: string }) =>
      withCaseflow(async (cf) => {
        if ((caseId === undefined) === (opts.all !== true)) {
          throw new InvalidPayloadError('audit verify', [{ path: 'caseId', message: 'name one case id, or --all (not both)' }]);
        }
        if (opts.checkpoint && !opts.all) throw new InvalidPayloadError('audit verify', [{ path: 'checkpoint', message: '--checkpoint goes with --all' }]);
        const started = process.hrtime.bigint();
        const report = caseId
          ? await cf.audit.verifyCase(caseId)
          : await cf.audit.verifyAll(opts.checkpoint ? { checkpoint: readCheckpoint(opts.checkpoint), publicKey: auditKeyFromEnv() } : undefined);
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        if (!report.ok) {
          const first = report.breaks[0];
          throw new CaseLogBrokenError(first ? first.message : report.checkpoint!.problem!.message, { ...report });
        }
        out({ ...report, seconds }, () => `${printReport(report)} in ${seconds.toFixed(2)} s`);
      }),
    );
  audit
    .command('checkpoint')
    .description(`sign every chain head as of the newest log entry (key: $${AUDIT_KEY_ENV}); keep the output outside the database`)
    .option('--out <file>', 'write the checkpoint to this file instead of standard output')
    .action((opts: { out?: string }) =>
      withCaseflow(async (cf) => {
        const key = auditKeyFromEnv();
        if (key.type !== 'private') throw new AuditKeyError(`The audit key file (${AUDIT_KEY_ENV}) holds a public key: signing needs the private key.`);
        const checkpoint = await cf.audit.checkpoint(key);
        const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
        if (opts.out) {
          fs.writeFileSync(opts.out, text);
          out(checkpoint, () => `checkpoint of ${checkpoint.cases} case(s) up to entry ${checkpoint.lastEventId} written to ${opts.out}`);
        } else process.stdout.write(text);
      }),
    );
  audit
    .command('keygen')
    .description('write a new Ed25519 signing key (PEM, readable by you only); point $' + AUDIT_KEY_ENV + ' at it')
    .requiredOption('--out <file>', 'where to write the private key')
    .action((opts: { out: string }) => {
      const { privateKey } = generateKeyPairSync('ed25519');
      fs.writeFileSync(opts.out, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      out({ keyFile: opts.out }, () => `audit key written to ${opts.out}; export ${AUDIT_KEY_ENV}=${opts.out}`);
    });
}
