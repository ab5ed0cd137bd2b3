/**
 * The supervisors' unit ledger: per unit over a chosen period, the on-time rate and the cards
 * issued, a weekly met-vs-late chart (Chart.js, served from node_modules), and the same table as CSV.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/accounts';
import { ForbiddenRoleError } from '../../errors';
import { SUPERVISORS } from '../../engine/policy';
import type { Web } from '../context';
import { ledgerCsv, ledgerPeriod, readLedger, type Ledger } from '../ledger';

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** Registers GET /ledger and GET /ledger.csv. */
export function registerLedgerPages(web: Web): void {
  const read = async (request: FastifyRequest, reply: FastifyReply): Promise<Ledger | null> => {
    const user = web.requireSignIn(request, reply);
    if (!user) return null;
    if (!SUPERVISORS.includes(user.role)) throw new ForbiddenRoleError('see the unit ledger', user.role, SUPERVISORS);
    const query = request.query as Record<string, unknown>;
    const since = text(query.since);
    const until = text(query.until);
    const { from, to } = ledgerPeriod({ ...(since ? { since } : {}), ...(until ? { until } : {}) }, web.clock.now());
    return readLedger(web.supervision, from, to, text(query.unit) ?? null, actorOf(user));
  };

  web.app.get('/ledger', async (request, reply) => {
    const ledger = await read(request, reply);
    if (!ledger) return reply;
    const query = new URLSearchParams({ since: ledger.since, until: ledger.until, ...(ledger.unit ? { unit: ledger.unit } : {}) }).toString();
    return web.page(request, reply, 'ledger', { title: web.t(request)('ledger.title'), ledger, csvHref: `/ledger.csv?${query}`, chart: JSON.stringify(ledger.weeks) });
  });

  web.app.get('/ledger.csv', async (request, reply) => {
    const ledger = await read(request, reply);
    if (!ledger) return reply;
    void reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="unit-ledger-${ledger.since}-${ledger.until}.csv"`);
    return ledgerCsv(ledger);
  });
}
