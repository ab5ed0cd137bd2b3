/**
 * Rotating the identity key: every data key is re-wrapped under the new key without the sealed
 * fields changing, and the identities open with the new key alone; identities an older caseflow
 * stored in plain text are sealed on the first start with a key.
 */
import type { ReporterIdentityRecord } from '../../db/records';
import { openIdentityRecord } from '../../src/engine/identityAccess';
import { IdentitySeal, makeKeyring, newKeyLine, parseKeyEncryptionKey } from '../../src/privacy/identitySeal';
import { clueScript } from '../../app/demoScripts';
import { clerk, engineFixture, type EngineFixture } from '../support/engine';

const key = (kid: string) => parseKeyEncryptionKey(newKeyLine(kid), 'test');
const ZHANG = { name: 'Zhang San', contact: '138-0000-0000' };

describe('identity keys', () => {
  const k1 = key('k1');
  const k2 = key('k2');
  let fx: EngineFixture;
  beforeEach(async () => {
    fx = await engineFixture({ identitySeal: new IdentitySeal(makeKeyring(k1)) });
  });
  afterEach(() => fx.cleanup());

  const namedClue = async (reporter = ZHANG) =>
    (await fx.engine.createCase({ type: 'clue', input: { ...clueScript.input, anonymous: false }, actor: clerk, reporter })).id;
  const identities = async (ids: readonly string[]): Promise<ReporterIdentityRecord[]> => fx.store.read(async (tx) => Promise.all(ids.map(async (id) => (await tx.reporters.identityOf(id))!)));

  test('a rotation re-wraps every data key under the new key; the sealed fields stay as they were; the old key is then not needed', async () => {
    const ids = [await namedClue(), await namedClue({ name: 'Li Si', contact: '139-1111-2222' })];
    const before = await identities(ids);
    expect(before.map((r) => r.keyId)).toEqual(['k1', 'k1']);

    const rotated = await fx.openAnother({ identitySeal: new IdentitySeal(makeKeyring(k2, [k1])) });
    expect(await rotated.engine.identities.rotateKeys()).toEqual({ keyId: 'k2', sealed: 0, rewrapped: 2 });
    const after = await identities(ids);
    expect(after.map((r) => r.keyId)).toEqual(['k2', 'k2']);
    expect(after.map((r) => r.sealedFields)).toEqual(before.map((r) => r.sealedFields));
    expect(after.map((r) => r.wrappedKey)).not.toEqual(before.map((r) => r.wrappedKey));

    const newKeyOnly = new IdentitySeal(makeKeyring(k2));
    expect(after.map((r) => openIdentityRecord(newKeyOnly, r))).toEqual([ZHANG, { name: 'Li Si', contact: '139-1111-2222' }]);
    // a second rotation finds nothing to do
    expect(await rotated.engine.identities.rotateKeys()).toEqual({ keyId: 'k2', sealed: 0, rewrapped: 0 });
  });

  test('an identity stored in plain text before sealing is sealed by the sealing pass every start with a key runs, its plain columns emptied', async () => {
    const id = await namedClue();
    // as an older caseflow left it: the row in plain text
    const other = (await fx.engine.createCase({ type: 'clue', input: { ...clueScript.input, anonymous: true }, actor: clerk })).id;
    await fx.store.withTransaction((tx) => tx.reporters.insertIdentity({ caseId: other, name: 'Wang Wu', contact: null, keyId: null, wrappedKey: null, sealedFields: null, createdAt: 0 }));
    expect(await fx.engine.identities.sealPlain()).toBe(1);
    const [sealed, untouched] = await identities([other, id]);
    expect(sealed).toMatchObject({ name: null, contact: null, keyId: 'k1' });
    expect(JSON.stringify(await fx.dump())).not.toContain('Wang Wu');
    expect(openIdentityRecord(new IdentitySeal(makeKeyring(k1)), sealed!)).toEqual({ name: 'Wang Wu', contact: null });
    expect(untouched!.keyId).toBe('k1');
    expect(await fx.engine.identities.sealPlain()).toBe(0);
  });

  test('without the old key in the keyring, a rotation stops naming the key it needs, and changes nothing', async () => {
    const id = await namedClue();
    const before = await identities([id]);
    const withoutOld = await fx.openAnother({ identitySeal: new IdentitySeal(makeKeyring(k2)) });
    await expect(withoutOld.engine.identities.rotateKeys()).rejects.toMatchObject({ code: 'IDENTITY_KEY_INVALID', details: { kid: 'k1' } });
    expect(await identities([id])).toEqual(before);
  });
});
