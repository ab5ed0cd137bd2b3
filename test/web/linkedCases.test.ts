/**
 * The web pages show what the API shows of linked cases and provisional deadlines: a case page
 * lists the cases it is held up by or holds up (named only to readers who may see them), and a
 * deadline that counts working days past the calendar's last year says it is provisional, on the
 * case page and on the overdue board.
 */
import { clueInput, selfRecommendationInput, type ApiFixture } from '../api/support/server';
import { signedInAs, startWeb } from './support/web';

const DAY = 24 * 3600_000;

describe('web pages: linked cases and provisional deadlines', () => {
  let api: ApiFixture;
  beforeEach(async () => {
    api = await startWeb();
  });
  afterEach(() => api.close());

  const linksOn = (html: string): string[] => [...html.matchAll(/<li data-link="([^"]+)">[^<]*<a href="\/case\/([^"]+)">/g)].map((m) => `${m[1]} ${decodeURIComponent(m[2]!)}`);

  test('a self-recommendation held up by a clue about the candidate shows the clue, and the clue shows it, to the chair; the clerk’s clue page names nothing', async () => {
    const recommendation = (await api.request('POST', '/cases', { as: 'official', body: { type: 'selfRecommendation', input: selfRecommendationInput() } })).body.id as string;
    const clue = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
    const chair = await signedInAs(api, 'chair');
    const held = await chair.get(`/case/${recommendation}`);
    expect(held.status).toBe(200);
    expect(linksOn(held.html)).toEqual([`heldUpBy ${clue}`]);
    expect(held.html).toMatch(/<li data-link="heldUpBy">Held up by <a [^>]+>[^<]+<\/a> \(clue, received\): [^<]*holds up/);
    expect(linksOn((await chair.get(`/case/${clue}`)).html)).toEqual([`holdsUp ${recommendation}`]);
    const clerkPage = await (await signedInAs(api, 'clerk')).get(`/case/${clue}`);
    expect(clerkPage.status).toBe(200);
    expect(linksOn(clerkPage.html)).toEqual([]);
    expect(clerkPage.html).not.toContain(recommendation);
  });

  test('a working-day limit past the calendar’s last year says so on the case page and, once late, on the board', async () => {
    // Monday 28 December 2026: five working days run into 2027, whose holidays are not published yet
    api.clock.set(Date.parse('2026-12-28T09:00:00+08:00'));
    const clue = (await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } })).body.id as string;
    const page = await (await signedInAs(api, 'clerk')).get(`/case/${clue}`);
    expect(page.html).toContain('<span class="provisional" data-testid="provisional">provisional: the 2027 calendar is not loaded</span>');

    api.clock.set(Date.parse('2027-01-05T09:00:00+08:00') + DAY);
    const board = await (await signedInAs(api, 'supervisor')).get('/board');
    expect(board.html).toMatch(new RegExp(`<tr data-case="${clue}">[\\s\\S]*?<span class="provisional">provisional: the 2027 calendar is not loaded</span>[\\s\\S]*?</tr>`));
  });
});
