/**
 * The pages' language: Simplified Chinese by default, English when the browser asks for it first or
 * the reader chose it with the switch (kept in a cookie); times stay in the case's zone either way.
 */
import { chooseLocale, translator } from '../../src/web/i18n';
import { en, zhCN } from '../../src/web/messages';
import { clueInput, type ApiFixture } from '../api/support/server';
import { PASSWORD, startWeb, WebClient } from './support/web';

describe('page language', () => {
  test('Chinese unless English is asked for first; the stored choice wins over the browser', () => {
    expect(chooseLocale(undefined, undefined)).toBe('zh-CN');
    expect(chooseLocale(undefined, 'fr-FR, de;q=0.8')).toBe('zh-CN');
    expect(chooseLocale(undefined, 'en-GB,en;q=0.9,zh-CN;q=0.8')).toBe('en');
    expect(chooseLocale(undefined, 'zh-CN;q=0.5, en;q=0.9')).toBe('en');
    expect(chooseLocale(undefined, 'zh-Hans-CN,en;q=0.9')).toBe('zh-CN');
    expect(chooseLocale(undefined, 'en;q=0, zh')).toBe('zh-CN');
    expect(chooseLocale('en', 'zh-CN')).toBe('en');
    expect(chooseLocale('zh-CN', 'en')).toBe('zh-CN');
    expect(chooseLocale('klingon', 'en')).toBe('en');
  });

  test('both catalogues fill the same values in', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      const names = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();
      expect({ key, names: names(zhCN[key]) }).toEqual({ key, names: names(en[key]) });
    }
    expect(translator('zh-CN')('board.caption', { n: 3 })).toBe('共 3 项超期时限，超期最久的排在最前');
    expect(translator('en')('time.left', { span: '5 min' })).toBe('5 min left');
  });

  describe('over HTTP', () => {
    let api: ApiFixture;
    beforeEach(async () => {
      api = await startWeb();
    });
    afterEach(() => api.close());

    test('a browser that asks for nothing gets Chinese pages; the switch changes to English and back, and stays on the page', async () => {
      const browser = new WebClient(api.url, '');
      const signIn = await browser.get('/login');
      expect(signIn.html).toContain('<html lang="zh-CN">');
      expect(signIn.html).toContain('<h1>登录</h1>');
      expect(signIn.html).toContain('href="/language?to=en&amp;back=%2Flogin"');

      const switched = await browser.get('/language?to=en&back=%2Freport');
      expect(switched.status).toBe(303);
      expect(switched.location).toBe('/report');
      const report = await browser.get('/report');
      expect(report.html).toContain('<html lang="en">');
      expect(report.html).toContain('<h1>Report a clue</h1>');

      expect((await browser.get('/language?to=zh-CN&back=%2Flogin')).status).toBe(303);
      expect((await browser.get('/login')).html).toContain('<h1>登录</h1>');
    });

    test('the switch never sends the reader to another site', async () => {
      const browser = new WebClient(api.url, '');
      for (const back of ['https://evil.example/', '//evil.example/', '/\\evil.example/']) {
        const answer = await browser.get(`/language?to=en&back=${encodeURIComponent(back)}`);
        expect({ back, location: answer.location }).toEqual({ back, location: '/' });
      }
    });

    test('a Chinese inbox names the case type and the time left in Chinese, in Shanghai time', async () => {
      const opened = await api.request('POST', '/cases', { as: 'clerk', body: { type: 'clue', input: clueInput() } });
      const clerk = new WebClient(api.url, 'zh-CN,zh;q=0.9');
      expect((await clerk.signIn('wang.fang', PASSWORD)).status).toBe(303);
      const inbox = await clerk.get('/inbox');
      expect(inbox.html).toContain('<h1>待办</h1>');
      expect(inbox.html).toContain(opened.body.id as string);
      expect(inbox.html).toContain('“躺平”干部问题线索');
      expect(inbox.html).toMatch(/剩余 \d+ 天 \d+ 小时/);
      expect(inbox.html).toContain('本角色');
    });
  });
});
