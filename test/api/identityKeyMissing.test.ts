/**
 * A server started without an identity key refuses named intake, over the public form and over
 * POST /cases, with IDENTITY_KEY_MISSING, and stores nothing; anonymous intake still works.
 */
import { clueInput, publicClue, startApi, type ApiFixture } from './support/server';

describe('a server without an identity key', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi({}, { identitySeal: null });
  });
  afterEach(() => api.close());

  test('refuses named intake with the typed error and stores nothing', async () => {
    const before = await api.dump();
    const publicForm = await api.request('POST', '/public/clues', { body: publicClue({ reporter: { name: 'Zhang San', contact: '138-0000-0000' } }) });
    expect(publicForm.status).toBe(503);
    expect(publicForm.body).toEqual({
      code: 'IDENTITY_KEY_MISSING',
      message: expect.stringContaining('cannot seal a named reporter’s identity and stores nothing'),
      details: { env: ['CASEFLOW_IDENTITY_KEY', 'CASEFLOW_IDENTITY_KEY_FILE'] },
    });
    const byClerk = await api.request('POST', '/cases', {
      as: 'clerk',
      body: { type: 'clue', input: clueInput({ anonymous: false }), reporter: { name: 'Zhang San', contact: '138-0000-0000' } },
    });
    expect(byClerk.status).toBe(503);
    expect(byClerk.body.code).toBe('IDENTITY_KEY_MISSING');
    expect(await api.dump()).toEqual(before);
    expect(JSON.stringify(await api.dump()) + api.log()).not.toMatch(/Zhang San|138-0000/);
  });

  test('still files anonymous clues', async () => {
    const filed = await api.request('POST', '/public/clues', { body: publicClue() });
    expect(filed.status).toBe(201);
    expect((await api.engine.listCases()).cases).toHaveLength(1);
    expect((await api.dump()).reporter_identities).toEqual([]);
  });
});
