/**
 * The cost of sealing at intake: named clues (identity sealed: a data key, two fields, a wrap) against
 * anonymous clues (no identity row) opened through `engine.createCase` on SQLite, alternating in
 * chunks; and `IdentitySeal.seal` alone. `npx tsx bench/sealedIntake.ts [clues]`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { composeCaseflow } from '../app/compose';
import { clueScript } from '../app/demoScripts';
import { ManualClock } from '../src/clock';
import { IdentitySeal, makeKeyring, newKeyLine, parseKeyEncryptionKey, type SealedIdentity } from '../src/privacy/identitySeal';

/** The same rows without the cryptography: what sealing itself costs is the difference to it. */
class UnsealedRows extends IdentitySeal {
  override seal(): SealedIdentity {
    return { keyId: 'none', wrappedKey: 'none', sealedFields: { name: 'none' } };
  }
}

async function intake(clues: number, seal: IdentitySeal): Promise<{ named: number; anonymous: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caseflow-sealed-intake-'));
  const clock = new ManualClock(Date.parse('2026-11-25T20:00:00+08:00'));
  const cf = composeCaseflow({ dbFile: path.join(dir, 'bench.sqlite'), clock, identitySeal: seal });
  const clerk = { id: 'wang.fang', role: 'intakeClerk' } as const;
  const times = { named: 0, anonymous: 0 };
  const subject = (clueScript.input as { subject: Record<string, unknown> }).subject;
  try {
    for (let i = 0, chunk = 200; i < clues; i += chunk) {
      for (const side of i % (2 * chunk) ? (['anonymous', 'named'] as const) : (['named', 'anonymous'] as const)) {
        const started = performance.now();
        for (let j = 0; j < chunk / 2; j++) {
          clock.advance(1000);
          await cf.engine.createCase({
            type: 'clue',
            // each clue about an official of its own: the links of many clues about one official would dominate
            input: { ...clueScript.input, subject: { ...subject, officialId: `official.${i}.${j}.${side}` }, anonymous: side === 'anonymous' },
            actor: clerk,
            ...(side === 'named' ? { reporter: { name: `Reporter ${i + j}`, contact: '138-0000-0000' } } : {}),
          });
        }
        times[side] += performance.now() - started;
      }
    }
    const perSecond = (ms: number) => Math.round((clues * 500) / ms);
    return { named: perSecond(times.named), anonymous: perSecond(times.anonymous) };
  } finally {
    await cf.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const clues = Number(process.argv[2] ?? 4000);
  const keyring = makeKeyring(parseKeyEncryptionKey(newKeyLine('bench'), 'bench'));
  const seal = new IdentitySeal(keyring);
  // a warm-up, then each side twice, alternating
  await intake(400, seal);
  const runs: { sealed: { named: number; anonymous: number }; unsealed: { named: number; anonymous: number } }[] = [];
  for (let r = 0; r < 2; r++) runs.push({ sealed: await intake(clues, seal), unsealed: await intake(clues, new UnsealedRows(keyring)) });
  const best = (side: 'sealed' | 'unsealed', kind: 'named' | 'anonymous') => Math.max(...runs.map((run) => run[side][kind]));
  const sealed = { named: best('sealed', 'named'), anonymous: best('sealed', 'anonymous') };
  const unsealed = { named: best('unsealed', 'named'), anonymous: best('unsealed', 'anonymous') };
  const sealStarted = performance.now();
  for (let i = 0; i < 10_000; i++) seal.seal(`CL-${i}`, { name: 'Zhang San', contact: '138-0000-0000' });
  const sealMs = performance.now() - sealStarted;
  const pct = (a: number, b: number) => `${((b / a - 1) * 100).toFixed(1)}%`;
  process.stdout.write(
    `sealed run: anonymous ${sealed.anonymous}/s, named ${sealed.named}/s\n` +
      `same rows unsealed: anonymous ${unsealed.anonymous}/s, named ${unsealed.named}/s\n` +
      `named intake, sealed vs unsealed: ${sealed.named} vs ${unsealed.named}/s (${pct(sealed.named, unsealed.named)} faster without sealing)\n` +
      `IdentitySeal.seal alone: ${Math.round(10_000_000 / sealMs)}/s\n`,
  );
}

void main();
