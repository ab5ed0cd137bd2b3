/**
 * The unit ledger over HTTP: per unit over a period, met, late, the on-time rate and the cards
 * issued; week by week for the chart; the same table as a CSV download; supervisors only; a bad
 * date is refused naming the field.
 */
import { fireDueSteps, rectificationInput, sendEvent, type ApiFixture } from '../api/support/server';
import { signedInAs, startWeb } from './support/web';

const HOUR = 3_600_000;
const plan = { plan: 'Open a same-day lane', measures: ['same-day lane'], completionDueAt: '2026-12-20T18:00:00+08:00' };

describe('the unit ledger', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startWeb();
    // Housing misses 21:00 (three cards) and submits late; Water submits at 20:30
    const open = async (unit: string, liaisonId: string): Promise<string> => {
      const id = (await api.request('POST', '/cases', { as: 'supervisor', body: { type: 'rectification', input: { ...rectificationInput(), unit } } })).body.id as string;
      expect((await sendEvent(api, 'supervisor', id, 'NOTIFY_UNIT', { liaisonId })).status).toBe(200);
      return id;
    };
    const housing = await open('Municipal Housing Bureau', 'zhou.min');
    const water = await open('Water Bureau', 'zhou.min');
    api.clock.advance(HOUR / 2);
    expect((await sendEvent(api, 'liaison', water, 'SUBMIT_PLAN', plan)).status).toBe(200);
    api.clock.advance(HOUR + HOUR / 2);
    expect(await fireDueSteps(api, housing)).toEqual(['remind', 'overdue', 'escalate']);
    expect((await sendEvent(api, 'liaison', housing, 'SUBMIT_PLAN', plan)).status).toBe(200);
  });
  afterEach(() => api.close());

  const PERIOD = 'since=2026-11-23&until=2026-11-29';

  test('shows each unit’s met, late, rate and cards over the period, and the weeks of the chart', async () => {
    const li = await signedInAs(api, 'supervisor');
    const page = await li.get(`/ledger?${PERIOD}`);
    expect(page.status).toBe(200);
    const cells = (unit: string) => [...new RegExp(`<tr data-unit="${unit}"[^>]*>([\\s\\S]*?)</tr>`).exec(page.html)![1]!.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((m) => m[1]);
    // Housing missed 21:00 (late), Water made it (met); notifying each unit in time is the office's limit, met twice
    expect(cells('Municipal Housing Bureau')).toEqual(['Municipal Housing Bureau', '0', '1', '0.0 %', '1', '1', '1']);
    expect(cells('Water Bureau')).toEqual(['Water Bureau', '1', '0', '100.0 %', '0', '0', '0']);
    expect(cells('The office \\(its own limits\\)')).toEqual(['The office (its own limits)', '2', '0', '100.0 %', '0', '0', '0']);
    expect(page.html).toContain('data-weeks="[{&quot;week&quot;:&quot;2026-11-23&quot;,&quot;met&quot;:3,&quot;late&quot;:1}]"');
    expect(page.html).toContain('href="/ledger.csv?since=2026-11-23&amp;until=2026-11-29"');
    // Housing's red card brought a talk with its head, due in 5 working days
    expect(page.html).toMatch(/<tr data-consequence="SA-[^"]+"><th scope="row">Municipal Housing Bureau<\/th><td>Talk with the unit head<\/td><td><a href="\/case\/SA-[^"]+">Hold a talk with the head of Municipal Housing Bureau about its red card on case RC-[^<]+<\/a><\/td><td>red \(RC-[^)]+\)<\/td><td>0<\/td><td>2026-12-02T15:59:59.999Z<\/td><td>open<\/td><\/tr>/);
    const earlier = await li.get('/ledger?since=2026-11-09&until=2026-11-22');
    expect(earlier.html).toContain('Nothing closed and no card issued in this period.');
    expect(earlier.html).toContain('No card brought a consequence in this period.');
  });

  test('the CSV download holds the same table', async () => {
    const li = await signedInAs(api, 'supervisor');
    const csv = await li.get(`/ledger.csv?${PERIOD}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="unit-ledger-2026-11-23-2026-11-29.csv"');
    expect(csv.html).toBe(
      'owner,unit,met,late,on_time_rate,blue_cards,yellow_cards,red_cards,since,until\r\n' +
        'unit,Municipal Housing Bureau,0,1,0.0000,1,1,1,2026-11-23,2026-11-29\r\n' +
        'unit,Water Bureau,1,0,1.0000,0,0,0,2026-11-23,2026-11-29\r\n' +
        'office,,2,0,1.0000,0,0,0,2026-11-23,2026-11-29\r\n',
    );
    expect((await li.get(`/ledger.csv?${PERIOD}&unit=Water%20Bureau`)).html.split('\r\n').slice(1, -1)).toEqual(['unit,Water Bureau,1,0,1.0000,0,0,0,2026-11-23,2026-11-29']);
  });

  test('a bad date is refused naming the field; the ledger is for supervisors', async () => {
    const li = await signedInAs(api, 'supervisor');
    const bad = await li.get('/ledger?since=25.11.2026', { accept: 'application/json' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.html)).toMatchObject({ code: 'INVALID_PAYLOAD', details: { issues: [{ path: 'since', message: 'must be a date like 2026-11-25, got "25.11.2026"' }] } });
    const clerk = await signedInAs(api, 'clerk');
    expect((await clerk.get('/ledger.csv', { accept: 'application/json' })).status).toBe(403);
  });
});
