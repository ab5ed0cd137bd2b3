/**
 * The admins' migration plan page: a plan shown as a table, one open case a row; others may not see it.
 */
import { rectificationInput, type ApiFixture } from '../api/support/server';
import { signedInAs, startWeb } from './support/web';

describe('the migration plan page', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startWeb();
  });
  afterEach(() => api.close());

  test('an admin sees every open case of the type as a row of the plan; a supervisor is refused', async () => {
    const created = await api.request('POST', '/cases', { as: 'supervisor', body: { type: 'rectification', input: rectificationInput() } });
    const admin = await signedInAs(api, 'admin');
    const page = await admin.get('/admin/migrations?type=rectification&toVersion=1');
    expect(page.status).toBe(200);
    expect([...page.html.matchAll(/<tr data-case="([^"]+)"/g)].map((m) => m[1])).toEqual([created.body.id]);
    expect(page.html).toContain('1 open case(s), 0 safe, 0 to decide, 1 up to date');
    expect((await admin.get('/admin/migrations')).html).not.toContain('<table>');
    expect((await (await signedInAs(api, 'supervisor')).get('/admin/migrations?type=rectification&toVersion=1')).status).toBe(403);
  });
});
