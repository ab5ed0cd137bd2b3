/**
 * 9. The web app's pages at 100,000 cases (10,000 in the quick run): the overdue board (all units,
 * and one unit), the unit ledger over its default eight weeks, and a rectification's case page with
 * its statechart, each rendered through Fastify (`inject`: routing, session, access policy, eta) as
 * the signed-in supervisor. p99 and median ms, each against the very SQL the page sent, captured
 * from caseflow and run as hand-prepared better-sqlite3 statements (the bare side), alternately.
 */
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { composeApi, composeCaseflow } from '../app/compose';
import { createApiLogger } from '../src/api/logging';
import { ManualClock } from '../src/clock';
import { generateSupervisionData } from './dataset';
import { fmt, median, percentile, progress, ticker, timeSync, type BenchContext, type Figure } from './lib';
import { measure, type QueryCase } from './queries';
import { sqliteClient, unitName } from './workload';

const PASSWORD = 'bench-web-password';

/** A signed-in session's cookie header, through the sign-in form as a browser sends it. */
async function signIn(server: FastifyInstance, name: string): Promise<string> {
  const form = await server.inject({ method: 'GET', url: '/login', headers: { accept: 'text/html' } });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1];
  const formCookies = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  if (!csrf) throw new Error('the sign-in page carries no CSRF token');
  const answer = await server.inject({
    method: 'POST',
    url: '/login',
    headers: { accept: 'text/html', cookie: formCookies, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrf, name, password: PASSWORD, next: '/' }).toString(),
  });
  if (answer.statusCode !== 303) throw new Error(`sign-in as ${name} answered ${answer.statusCode}`);
  return [...form.cookies, ...answer.cookies].map((c) => `${c.name}=${c.value}`).join('; ');
}

/** A page as the signed-in supervisor gets it; anything but 200 stops the bench. */
function pageCase(server: FastifyInstance, cookie: string, name: string, url: (i: number) => string): QueryCase {
  return {
    name,
    key: url,
    caseflow: async (i) => {
      const answer = await server.inject({ method: 'GET', url: url(i), headers: { accept: 'text/html', 'accept-language': 'zh-CN', cookie } });
      if (answer.statusCode !== 200) throw new Error(`${url(i)} answered ${answer.statusCode}: ${answer.body.slice(0, 200)}`);
      return answer.body.length;
    },
  };
}

export async function benchWebPages(ctx: BenchContext): Promise<Figure[]> {
  const size = ctx.quick ? 10_000 : 100_000;
  const sizeText = `${size / 1e3}k`;
  const iterations = ctx.quick ? 40 : 200;
  const now = Date.parse('2026-11-25T12:00:00Z');
  const dir = ctx.tempDir('web');
  const caseflow = composeCaseflow({ dbFile: path.join(dir, 'web.sqlite'), clock: new ManualClock(now) });
  const client = sqliteClient(caseflow.store);
  const figures: Figure[] = [];
  let server: FastifyInstance | null = null;
  try {
    progress(`9 web pages: generating ${size.toLocaleString('en-US')} cases`);
    const genMs = timeSync(() => void generateSupervisionData(client, size, now, ticker('9 web pages: generating', size, 5000)));
    progress(`9 web pages: generated in ${(genMs / 1000).toFixed(1)} s`);
    await caseflow.accounts.addUser('li.wei', 'supervisor');
    await caseflow.accounts.setPassword('li.wei', PASSWORD);
    server = await composeApi(caseflow, { logger: createApiLogger({ level: 'silent' }) });
    const cookie = await signIn(server, 'li.wei');
    const openRectifications = (client.prepare("SELECT id FROM cases WHERE type = 'rectification' AND status = 'open' ORDER BY id LIMIT 50").pluck().all() as string[]);
    if (openRectifications.length === 0) throw new Error('the data set has no open rectification');
    const pages = [
      pageCase(server, cookie, 'overdue board, all units (GET /board)', () => '/board'),
      pageCase(server, cookie, 'overdue board, one unit (GET /board?unit=…)', (i) => `/board?unit=${encodeURIComponent(unitName(i % 10))}`),
      pageCase(server, cookie, 'unit ledger, eight weeks (GET /ledger)', () => '/ledger'),
      pageCase(server, cookie, 'case page with statechart (GET /case/:id)', (i) => `/case/${encodeURIComponent(openRectifications[i % openRectifications.length]!)}`),
    ];
    for (const page of pages) {
      const { cf, bare, statements } = await measure(client, page, iterations, ctx.quick ? 4000 : 20_000);
      const p99 = percentile(cf, 99);
      const bareP99 = percentile(bare, 99);
      progress(`9 web pages ${sizeText}: ${page.name} (${cf.length} runs): median ${median(cf).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms (bare median ${median(bare).toFixed(2)}, p99 ${bareP99.toFixed(2)})`);
      figures.push({
        group: '9',
        name: `${page.name}, ${sizeText} cases: p99 (median)`,
        unit: 'ms',
        caseflow: p99,
        bare: bareP99,
        bareLabel: 'the page’s SQL, prepared',
        target: { kind: 'atMost', max: 50 },
        display: { caseflow: `${fmt(p99, 'ms')} (${fmt(median(cf))})`, bare: `${fmt(bareP99, 'ms')} (${fmt(median(bare))})` },
        runs: cf,
        bareRuns: bare,
        detail: { cases: size, iterations: cf.length, median: median(cf), bareMedian: median(bare), statementsPerCall: statements },
      });
    }
  } finally {
    await server?.close();
    await caseflow.close();
  }
  return figures;
}
