/**
 * The supervisors' overdue board: every running deadline past due, across units, most late first,
 * with filters by unit, case type, card colour and escalation level, and an urge action per deadline.
 */
import { CASE_TYPES } from '../../../machines/types';
import type { WarningColour } from '../../../db/records';
import { actorOf } from '../../auth/accounts';
import { ForbiddenRoleError } from '../../errors';
import { SUPERVISORS } from '../../engine/policy';
import type { Web } from '../context';
import { caseTypeTitle } from '../i18n';
import { boardRows, type BoardFilter } from '../viewModels';

/** Rows on the board by default (the most late first), and at most when asked for all. */
const BOARD_PAGE = 100;
const BOARD_ALL = 1000;
const WARNING_COLOURS = ['blue', 'yellow', 'red'] as const;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/** Registers GET /board and POST /board/urge (催办: through the engine's urge command). */
export function registerBoardPages(web: Web): void {
  web.app.get('/board', async (request, reply) => {
    const user = web.requireSignIn(request, reply);
    if (!user) return reply;
    if (!SUPERVISORS.includes(user.role)) throw new ForbiddenRoleError('see the overdue board', user.role, SUPERVISORS);
    const query = request.query as Record<string, unknown>;
    const level = text(query.level);
    const warning = text(query.warning);
    const filter: BoardFilter = {
      ...(text(query.unit) ? { unit: text(query.unit) } : {}),
      ...(text(query.type) ? { type: text(query.type) } : {}),
      ...(warning && (WARNING_COLOURS as readonly string[]).includes(warning) ? { warning: warning as WarningColour } : {}),
      ...(level !== undefined && /^\d$/.test(level) ? { level: Number(level) } : {}),
    };
    const shown = text(query.show) === 'all' ? BOARD_ALL : BOARD_PAGE;
    const now = web.clock.now();
    const overdue = await web.supervision.overdue(now, {
      ...(filter.unit ? { unit: filter.unit } : {}),
      ...(filter.type ? { type: filter.type } : {}),
      ...(filter.warning ? { warning: filter.warning } : {}),
      ...(filter.level !== undefined ? { escalationLevel: filter.level } : {}),
      limit: shown + 1,
    }, actorOf(user));
    const t = web.t(request);
    const more = overdue.length > shown;
    const rows = boardRows(overdue.slice(0, shown), now, (type) => web.engine.definition(type), web.calendar, t);
    const showAll = more && shown === BOARD_PAGE ? `/board?${new URLSearchParams({ ...(query as Record<string, string>), show: 'all' }).toString()}` : null;
    const urged = text(query.urged) ?? null;
    return web.page(request, reply, 'board', { title: t('board.title'), rows, more, showAll, shown, filter, types: CASE_TYPES.map((type) => ({ value: type, title: caseTypeTitle(web.engine.definition(type), t) })), urged, back: request.url });
  });

  web.app.post('/board/urge', async (request, reply) => {
    const user = web.requireSignIn(request, reply);
    if (!user) return reply;
    const form = (request.body ?? {}) as Record<string, unknown>;
    const deadlineId = text(form.deadlineId) ?? '';
    const urged = await web.engine.deadlines.urge(deadlineId, { ...(text(form.note) ? { note: text(form.note) } : {}) }, actorOf(user));
    const back = text(form.back) ?? '/board';
    const target = new URL(back.startsWith('/board') ? back : '/board', 'http://caseflow.local');
    target.searchParams.set('urged', urged.id);
    return reply.redirect(`${target.pathname}${target.search}`, 303);
  });
}
