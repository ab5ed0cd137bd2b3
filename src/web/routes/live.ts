/**
 * Live refresh: server-sent events fed by the event bus. A page that shows cases listens on
 * /board/events and reloads its table (through htmx) when a case changes. The event carries no case
 * id — which cases a reader may see is the page's query to decide, not the stream's.
 */
import type { ServerResponse } from 'node:http';
import { ForbiddenRoleError } from '../../errors';
import { SUPERVISORS } from '../../engine/policy';
import type { Web } from '../context';

/** How often an idle stream sends a comment, so proxies keep it open, in milliseconds. */
const KEEP_ALIVE_MS = 25_000;

/** Registers GET /board/events. */
export function registerLivePages(web: Web): void {
  const open = new Set<ServerResponse>();
  // streams never end on their own: end them before the server waits for its connections
  web.app.addHook('preClose', (done) => {
    for (const stream of open) stream.end();
    done();
  });

  web.app.get('/board/events', async (request, reply) => {
    const user = web.requireSignIn(request, reply);
    if (!user) return reply;
    if (!SUPERVISORS.includes(user.role)) throw new ForbiddenRoleError('follow the overdue board', user.role, SUPERVISORS);
    const stream = reply.raw;
    reply.hijack();
    stream.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-request-id': request.id });
    stream.write('retry: 3000\n\n');
    open.add(stream);
    const unsubscribe = web.subscribe?.((signal) => {
      if (signal.kind === 'caseChanged') stream.write('event: changed\ndata: {}\n\n');
    });
    const keepAlive = setInterval(() => stream.write(': keep-alive\n\n'), KEEP_ALIVE_MS);
    request.raw.once('close', () => {
      clearInterval(keepAlive);
      unsubscribe?.();
      open.delete(stream);
    });
    return reply;
  });
}
