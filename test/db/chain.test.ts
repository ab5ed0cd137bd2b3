import { canonicalize } from 'json-canonicalize';
import { canonicalEntryOf, EMPTY_HEAD, entryHash, GENESIS, hashHolds, sealEntry } from '../../db/chain';
import type { NewCaseEvent } from '../../db/records';

const entry = (overrides: Partial<NewCaseEvent> = {}): NewCaseEvent => ({
  caseId: 'RC-20261125-ABCD',
  version: 3,
  kind: 'transition',
  type: 'SUBMIT_PLAN',
  actorId: 'zhou.min',
  actorRole: 'unitLiaison',
  at: 1764072000000,
  payload: JSON.stringify({ plan: 'Same-day stamps', measures: ['a fast lane'] }),
  fromState: 'planDue',
  toState: 'planReview',
  ...overrides,
});

describe('the case log hash chain', () => {
  test.each([
    ['a plain entry', entry()],
    ['null states and nested, unordered payload keys', entry({ fromState: null, toState: null, payload: '{"z":{"b":[1,{"d":2,"c":1}],"a":null},"ä":"\\u00e9","\\u20ac":"€","a":-0}' })],
    ['numbers and escapes as RFC 8785 writes them', entry({ actorId: 'quote"back\\slash\u2028', payload: '{"big":1e21,"small":1e-7,"tenth":0.1,"int":10.0,"ctl":"\\u0001\\n"}' })],
  ])('the entry form is RFC 8785 (json-canonicalize is the reference): %s', (_name, e) => {
    const { payload, ...rest } = e;
    expect(canonicalEntryOf(e, 7)).toBe(canonicalize({ ...rest, seq: 7, payload: JSON.parse(payload) as unknown }));
  });

  test('sealing stores the payload in RFC 8785 form; the hash covers what it says and where it stands', () => {
    const e = entry({ payload: '{"measures":["a fast lane"],  "plan":"Same-day stamps"}' });
    const sealed = sealEntry(EMPTY_HEAD, e);
    expect(sealed).toMatchObject({ seq: 1, prevHash: GENESIS, payload: '{"measures":["a fast lane"],"plan":"Same-day stamps"}' });
    expect(sealed.hash).toBe(entryHash(e, 1, GENESIS));
    expect(hashHolds(sealed)).toBe(true);
    // the same values in another text form (PostgreSQL's jsonb) still hold
    expect(hashHolds({ ...sealed, payload: '{"plan": "Same-day stamps", "measures": ["a fast lane"]}' })).toBe(true);
    expect(hashHolds({ ...sealed, payload: '{"plan": "Nothing", "measures": []}' })).toBe(false);
    expect(hashHolds({ ...sealed, seq: 2 })).toBe(false);
    expect(hashHolds({ ...sealed, prevHash: sealed.hash })).toBe(false);
    const second = sealEntry({ seq: 1, hash: sealed.hash }, e);
    expect(second.prevHash).toBe(sealed.hash);
    expect(second.hash).not.toBe(sealed.hash);
  });
});
