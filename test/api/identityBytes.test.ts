/**
 * The byte search: a named intake and a reveal against a real SQLite data file, with the API log
 * captured. Neither the file's bytes (with its -wal) nor any log line holds the reporter's name or
 * phone, an API token or the receipt code.
 */
import fs from 'node:fs';
import { publicClue, startApi, type ApiFixture } from './support/server';

const NAME = 'Zhang Sanfeng';
const PHONE = '138-1234-5678';

/** Every way `text` could sit in the bytes: UTF-8 and UTF-16 (little and big endian). */
const encodings = (text: string): Buffer[] => [Buffer.from(text, 'utf8'), Buffer.from(text, 'utf16le'), Buffer.from(text, 'utf16le').swap16()];

const describeOnSqlite = process.env.CASEFLOW_TEST_BACKEND === 'postgres' ? describe.skip : describe;

describeOnSqlite('the data file and the log hold no identity, token or receipt code', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startApi();
  });
  afterEach(() => api.close());

  test('after a named intake, a custodian-approved reveal and more information from the reporter', async () => {
    await api.accounts.addUser('guo.custodian', 'custodian');
    const custodian = (await api.accounts.createToken('guo.custodian')).token;
    const filed = await api.request('POST', '/public/clues', { body: publicClue({ reporter: { name: NAME, contact: PHONE } }) });
    expect(filed.status).toBe(201);
    const receiptCode = (filed.body as { receiptCode: string }).receiptCode;
    expect((await api.request('POST', '/public/clues/info', { headers: { 'x-receipt-code': receiptCode }, body: { information: 'He was seen on Monday.' } })).status).toBe(201);
    const caseId = (await api.engine.listCases()).cases[0]!.id;
    const asked = await api.request('POST', `/cases/${caseId}/identity-requests`, { as: 'clerk', body: { reason: 'A call back about the dates' } });
    const requestId = (asked.body as { requestId: number }).requestId;
    await api.request('POST', `/cases/${caseId}/identity-requests/${requestId}/decision`, { token: custodian, body: { decision: 'approve' } });
    const shown = await api.request('POST', `/cases/${caseId}/identity-requests/${requestId}/reveal`, { as: 'clerk' });
    expect(shown.body.reporter).toEqual({ name: NAME, contact: PHONE });

    const file = api.file!;
    const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
    // the search can find what is there: the case id is in the file, and the log is not empty
    expect(bytes.includes(Buffer.from(caseId))).toBe(true);
    const log = Buffer.from(api.log(), 'utf8');
    expect(log.includes(Buffer.from('/identity-requests/'))).toBe(true);

    const secrets = { name: NAME, phone: PHONE, receiptCode, receiptCodeBare: receiptCode.replace(/-/g, ''), custodianToken: custodian, ...api.tokens };
    const found = Object.entries(secrets).flatMap(([what, secret]) =>
      encodings(secret).flatMap((needle) => [...(bytes.includes(needle) ? [`${what} in the data file`] : []), ...(log.includes(needle) ? [`${what} in the log`] : [])]),
    );
    expect(found).toEqual([]);
  });
});
