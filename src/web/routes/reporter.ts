/**
 * The reporter's pages, no sign-in and usable on a phone: file a clue (anonymously or named) and get
 * the receipt code once; with the code, see the clue's status and add information. The code is sent
 * in form bodies, never in a URL. Checked by the API's own schemas and answered by the same functions.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CLUE_ASPECTS, clueAspectTitles } from '../../../machines/clue';
import { clueStatusFor, filePublicClue } from '../../api/routes/publicIntake';
import { parsePart } from '../../api/routing';
import { addInformationBody, publicClueBody } from '../../api/schemas';
import { asCaseflowError, type PayloadIssue } from '../../errors';
import type { Web } from '../context';

type Form = Record<string, unknown>;
const str = (form: Form, name: string): string => (typeof form[name] === 'string' ? (form[name]).trim() : '');

/** The API's body from the clue form's flat fields (empty optional parts left out). */
function clueBodyOf(form: Form): unknown {
  const reporterName = str(form, 'reporterName');
  const contact = str(form, 'reporterContact');
  const officialId = str(form, 'officialId');
  return {
    aspect: str(form, 'aspect'),
    summary: str(form, 'summary'),
    subject: { ...(officialId ? { officialId } : {}), name: str(form, 'subjectName'), post: str(form, 'post'), unit: str(form, 'unit') },
    ...(reporterName ? { reporter: { name: reporterName, ...(contact ? { contact } : {}) } } : {}),
  };
}

/** Field errors by the form's field names. */
function fieldErrorsOf(error: unknown): { message: string; fields: Record<string, string> } | null {
  const known = asCaseflowError(error);
  if (!known || known.code !== 'INVALID_PAYLOAD') return null;
  const names: Record<string, string> = { 'subject.name': 'subjectName', 'subject.officialId': 'officialId', 'subject.post': 'post', 'subject.unit': 'unit', 'reporter.name': 'reporterName', 'reporter.contact': 'reporterContact' };
  const issues = (known.details.issues ?? []) as PayloadIssue[];
  return { message: known.message, fields: Object.fromEntries(issues.map((i) => [names[i.path] ?? i.path, i.message])) };
}

/** Registers the reporter pages under /report. */
export function registerReporterPages(web: Web): void {
  const aspects = CLUE_ASPECTS.map((a) => ({ value: a, title: clueAspectTitles[a] }));
  const clueForm = (request: FastifyRequest, reply: FastifyReply, values: Form, errors: { message: string; fields: Record<string, string> } | null) =>
    web.page(request, reply, 'reportClue', { title: web.t(request)('report.title'), aspects, values, errors });

  web.app.get('/report', (request, reply) => clueForm(request, reply, {}, null));

  web.app.post('/report', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    try {
      const filed = await filePublicClue(web.engine, parsePart(publicClueBody, clueBodyOf(form), 'body'));
      return web.page(request, reply, 'reportReceipt', { title: web.t(request)('receipt.title'), filed });
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      reply.code(400);
      return clueForm(request, reply, form, errors);
    }
  });

  const statusPage = (request: FastifyRequest, reply: FastifyReply, shown: Record<string, unknown>) =>
    web.page(request, reply, 'reportStatus', { title: web.t(request)('status.title'), status: null, acknowledged: null, error: null, ...shown });

  web.app.get('/report/status', (request, reply) => statusPage(request, reply, {}));

  web.app.post('/report/status', async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const code = str(form, 'receiptCode');
    const information = str(form, 'information');
    try {
      const acknowledged = information ? await web.receipts.addMessage(code, parsePart(addInformationBody, { information, receiptCode: code }, 'body').information) : null;
      return statusPage(request, reply, { status: await clueStatusFor(web.engine, web.receipts, code), acknowledged });
    } catch (error) {
      const known = asCaseflowError(error);
      if (!known || !['NOT_FOUND', 'INVALID_PAYLOAD'].includes(known.code)) throw error;
      reply.code(known.code === 'NOT_FOUND' ? 404 : 400);
      return statusPage(request, reply, { error: known.toJSON() });
    }
  });
}
