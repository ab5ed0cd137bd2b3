/**
 * Sealed reporter identities: a round trip, and every way a sealed identity can be moved or altered
 * fails to open; a rotation re-wraps the data key without the fields changing.
 */
import { IdentitySeal, makeKeyring, newKeyLine, parseKeyEncryptionKey, parseKeyLines, type SealedIdentity } from '../../src/privacy/identitySeal';
import { CaseflowError } from '../../src/errors';

const key = (kid: string) => parseKeyEncryptionKey(newKeyLine(kid), 'test');
const zhang = { name: 'Zhang San', contact: '138-0000-0000' };

function refusedCode(act: () => unknown): string {
  try {
    act();
  } catch (error) {
    if (error instanceof CaseflowError) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('sealing a reporter identity', () => {
  const seal = new IdentitySeal(makeKeyring(key('k1')));

  test('opens again for its case, and nothing of it is readable in the sealed form', () => {
    const sealed = seal.seal('CL-1', zhang);
    expect(sealed.keyId).toBe('k1');
    expect(Object.keys(sealed.sealedFields)).toEqual(['name', 'contact']);
    expect(JSON.stringify(sealed)).not.toMatch(/Zhang|138/);
    expect(Buffer.from(JSON.stringify(sealed)).includes(Buffer.from('Zhang'))).toBe(false);
    expect(seal.open('CL-1', sealed)).toEqual(zhang);
  });

  test('an identity without a contact keeps none', () => {
    const sealed = seal.seal('CL-1', { name: 'Li Si', contact: null });
    expect(Object.keys(sealed.sealedFields)).toEqual(['name']);
    expect(seal.open('CL-1', sealed)).toEqual({ name: 'Li Si', contact: null });
  });

  test('two sealings of the same identity share no bytes (fresh data key and nonces)', () => {
    const [a, b] = [seal.seal('CL-1', zhang), seal.seal('CL-1', zhang)];
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.sealedFields.name).not.toBe(b.sealedFields.name);
  });

  test('moved to another case, it does not open (the case id is bound as associated data)', () => {
    expect(refusedCode(() => seal.open('CL-2', seal.seal('CL-1', zhang)))).toBe('IDENTITY_SEAL_BROKEN');
  });

  test('a field swapped with another does not open (the field name is bound)', () => {
    const sealed = seal.seal('CL-1', zhang);
    const swapped: SealedIdentity = { ...sealed, sealedFields: { name: sealed.sealedFields.contact!, contact: sealed.sealedFields.name! } };
    expect(refusedCode(() => seal.open('CL-1', swapped))).toBe('IDENTITY_SEAL_BROKEN');
  });

  test('a field taken from another identity of the same case does not open (each has its own data key)', () => {
    const [a, b] = [seal.seal('CL-1', zhang), seal.seal('CL-1', { name: 'Li Si', contact: null })];
    expect(refusedCode(() => seal.open('CL-1', { ...a, sealedFields: { ...a.sealedFields, name: b.sealedFields.name! } }))).toBe('IDENTITY_SEAL_BROKEN');
  });

  test('one changed byte, in a field or in the wrapped key, does not open', () => {
    const sealed = seal.seal('CL-1', zhang);
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[bytes.length - 1]! ^= 1;
      return bytes.toString('base64');
    };
    expect(refusedCode(() => seal.open('CL-1', { ...sealed, sealedFields: { ...sealed.sealedFields, name: flip(sealed.sealedFields.name!) } }))).toBe('IDENTITY_SEAL_BROKEN');
    expect(refusedCode(() => seal.open('CL-1', { ...sealed, wrappedKey: flip(sealed.wrappedKey) }))).toBe('IDENTITY_SEAL_BROKEN');
  });

  test('another key of the same id does not open it; an unknown key id names the key', () => {
    const sealed = seal.seal('CL-1', zhang);
    expect(refusedCode(() => new IdentitySeal(makeKeyring(key('k1'))).open('CL-1', sealed))).toBe('IDENTITY_SEAL_BROKEN');
    expect(refusedCode(() => new IdentitySeal(makeKeyring(key('k2'))).open('CL-1', sealed))).toBe('IDENTITY_KEY_INVALID');
  });
});

describe('rotating the key-encryption key', () => {
  test('re-wraps the data key under the new key; the fields stay byte for byte, and the identity opens with the new keyring', () => {
    const [k1, k2] = [key('k1'), key('k2')];
    const sealed = new IdentitySeal(makeKeyring(k1)).seal('CL-1', zhang);
    const rotated = new IdentitySeal(makeKeyring(k2, [k1]));
    const moved = rotated.rewrap('CL-1', { ...sealed, sealedFields: {} })!;
    expect(moved.keyId).toBe('k2');
    const after = { ...sealed, keyId: moved.keyId, wrappedKey: moved.wrappedKey };
    expect(after.sealedFields).toEqual(sealed.sealedFields);
    // the old key is no longer needed
    expect(new IdentitySeal(makeKeyring(k2)).open('CL-1', after)).toEqual(zhang);
    expect(rotated.rewrap('CL-1', after)).toBeNull();
    // and an identity still wrapped by the old key opens through the keyring
    expect(rotated.open('CL-1', sealed)).toEqual(zhang);
  });
});

describe('key text', () => {
  test('kid:base64 of 32 bytes; anything else is refused naming the source', () => {
    expect(parseKeyLines(`# keys\n${newKeyLine('a')}\n\n${newKeyLine('b')}\n`, 'f').map((k) => k.kid)).toEqual(['a', 'b']);
    expect(refusedCode(() => parseKeyEncryptionKey('no-colon', 'env'))).toBe('IDENTITY_KEY_INVALID');
    expect(refusedCode(() => parseKeyEncryptionKey(`k:${Buffer.alloc(16).toString('base64')}`, 'env'))).toBe('IDENTITY_KEY_INVALID');
    expect(refusedCode(() => makeKeyring(key('same'), [key('same')]))).toBe('IDENTITY_KEY_INVALID');
  });
});
