/**
 * The case page: state, unit, assignee, deadlines with time left, the timeline of every event, the
 * statechart with the current state highlighted, and a form for each event the signed-in account
 * may send now. Sending goes through the engine's one write path; a refused value is shown at its
 * field in the engine's words, and nothing is stored.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../../machines/types';
import { actorOf, type ApiUser } from '../../auth/accounts';
import { asCaseflowError, type PayloadIssue } from '../../errors';
import type { Web } from '../context';
import { formFields, payloadFromForm } from '../forms';
import { localTime, timeLeft } from '../format';
import { caseTypeTitle } from '../i18n';
import { statechartSvg } from '../statechart';

/** A submitted form that the engine refused, shown again on its form. */
interface Refusal {
  event: string;
  values: Record<string, unknown>;
  message: string;
  fieldErrors: Record<string, string>;
}

/** Renders the case page as `user` may see it (the engine decides, and answers "not found" for a hidden case). */
async function renderCase(web: Web, request: FastifyRequest, reply: FastifyReply, user: ApiUser, caseId: string, refusal: Refusal | null): Promise<string> {
  const actor = actorOf(user);
  const view = await web.engine.getCase(caseId, actor);
  const history = await web.engine.history(caseId, actor);
  const ladders = await escalationTimesIn(web, caseId, actor, view.timeZone);
  const definition = web.engine.definition(view.type);
  const now = web.clock.now();
  const t = web.t(request);
  const zone = view.timeZone;
  const running = view.deadlines.filter((d) => d.running);
  const current = running.find((d) => d.state === view.state || view.state.startsWith(`${d.state}.`)) ?? running[0];
  const forms = view.allowedEvents.map((type) => {
    const spec = (definition.events as Record<string, { summary: string; payload: Parameters<typeof formFields>[0] }>)[type]!;
    return { type, summary: spec.summary, fields: formFields(spec.payload) };
  });
  return web.page(request, reply, 'case', {
    title: `${t('col.case')} ${view.id}`,
    c: { ...view, typeTitle: caseTypeTitle(definition, t), created: localTime(view.createdAt, zone), updated: localTime(view.updatedAt, zone) },
    deadlines: view.deadlines.map((d) => ({ ...d, due: localTime(d.dueAt, zone), left: d.running ? timeLeft(d.dueAt, now, t) : t(`deadline.${d.status}`), ladders: ladders.filter((l) => l.deadlineId === d.id) })),
    timeline: history.map((e) => ({ ...e, when: localTime(e.at, zone) })),
    svg: statechartSvg(definition, view.state, current ? `${timeLeft(current.dueAt, now, t)} (${current.kind})` : null),
    forms,
    refusal,
  });
}

/** The escalation times of a case's running deadlines, with times written in the case's zone. */
async function escalationTimesIn(web: Web, caseId: string, actor: Actor, zone: string) {
  return (await web.engine.escalationTimes(caseId, actor)).map((l) => ({ ...l, steps: l.steps.map((step) => ({ ...step, when: localTime(step.at, zone) })) }));
}

/** Registers GET /case/:id, GET /case/:id/ladder (a fragment the board loads with htmx) and POST /case/:id/events. */
export function registerCasePages(web: Web): void {
  web.app.get('/case/:id/ladder', async (request, reply) => {
    const user = web.requireSignIn(request, reply);
    if (!user) return reply;
    const caseId = (request.params as { id: string }).id;
    const { deadline } = request.query as { deadline?: string };
    const actor = actorOf(user);
    const view = await web.engine.getCase(caseId, actor);
    const ladders = (await escalationTimesIn(web, caseId, actor, view.timeZone)).filter((l) => !deadline || l.deadlineId === deadline);
    void reply.type('text/html; charset=utf-8');
    return reply.viewAsync('ladder', { ladders, t: web.t(request) });
  });

  web.app.get('/case/:id', async (request, reply) => {
    const user = web.requireSignIn(request, reply);
    if (!user) return reply;
    return renderCase(web, request, reply, user, (request.params as { id: string }).id, null);
  });

  web.app.post('/case/:id/events', async (request, reply) => {
    const user = web.requireSignIn(request, reply);
    if (!user) return reply;
    const caseId = (request.params as { id: string }).id;
    const form = (request.body ?? {}) as Record<string, unknown>;
    const type = typeof form._event === 'string' ? form._event : '';
    const view = await web.engine.getCase(caseId, actorOf(user));
    const spec = (web.engine.definition(view.type).events as Record<string, { payload: Parameters<typeof formFields>[0] }>)[type];
    const payload = spec ? payloadFromForm(formFields(spec.payload), form) : {};
    const expected = Number(form._version);
    try {
      await web.engine.applyEvent(caseId, { ...payload, type }, actorOf(user), Number.isInteger(expected) ? expected : undefined);
    } catch (error) {
      const known = asCaseflowError(error);
      if (!known || !['INVALID_PAYLOAD', 'GUARD_REJECTED', 'VERSION_CONFLICT', 'EVENT_NOT_ALLOWED'].includes(known.code)) throw error;
      const issues = (known.details.issues ?? []) as PayloadIssue[];
      const fieldErrors = Object.fromEntries(issues.map((i) => [i.path.split('.')[0] ?? '', i.message]));
      reply.code(known.code === 'INVALID_PAYLOAD' ? 400 : known.code === 'GUARD_REJECTED' ? 422 : 409);
      return renderCase(web, request, reply, user, caseId, { event: type, values: form, message: known.message, fieldErrors });
    }
    return reply.redirect(`/case/${encodeURIComponent(caseId)}`, 303);
  });
}
