/**
 * The public's routes, no token: file a clue (anonymously or named) and get a receipt code once;
 * with the code, see a reporter-facing status and add information. The code travels in a header
 * (or the body), never the URL, so it stays out of access logs; it opens nothing else.
 */
import { clue } from '../../../machines/clue';
import type { Actor } from '../../../machines/types';
import { newReceipt, type ReporterReceipts } from '../../auth/receipts';
import type { CaseEngine } from '../../engine/engine';
import { InvalidPayloadError } from '../../errors';
import type { Api } from '../context';
import { reporterStatusOf, type ReporterStatus } from '../reporterStatus';
import type { z } from 'zod';
import { acknowledgement, addInformationBody, clueStatus, filedClue, publicClueBody, RECEIPT_HEADER, receiptHeaders } from '../schemas';

/** Who files a public clue: nobody in particular. No address or identity is recorded with the case. */
const PUBLIC_REPORTER: Actor = { id: 'public', role: 'reporter' };

const RECEIPT_NOTICE =
  'Keep this receipt code: it is shown only this once and cannot be recovered. Use it to check the status of your clue and to add information.';

/** The receipt code of a request: the header, else the body; both must agree if both are sent. */
function receiptOf(header: string | undefined, body?: string): string {
  if (header && body && header !== body) {
    throw new InvalidPayloadError('request', [{ path: 'receiptCode', message: `differs from the ${RECEIPT_HEADER} header; send one code` }]);
  }
  const code = header ?? body;
  if (!code) {
    throw new InvalidPayloadError('request', [
      { path: `header.${RECEIPT_HEADER}`, message: `send the receipt code in the ${RECEIPT_HEADER} header (never in the URL)` },
    ]);
  }
  return code;
}

/** Files a clue from the public and answers its receipt code (shown once) and status; the web app's reporter pages use it too. */
export async function filePublicClue(engine: CaseEngine, body: z.output<typeof publicClueBody>): Promise<{ receiptCode: string } & ReporterStatus> {
  const { reporter, ...fields } = body;
  // The receipt is written in the clue's own transaction: no clue without its receipt, no receipt without its clue.
  const receipt = newReceipt();
  const view = await engine.createCase({
    type: 'clue',
    input: { ...fields, channel: 'form', anonymous: !reporter },
    actor: PUBLIC_REPORTER,
    receiptCodeHash: receipt.codeHash,
    ...(reporter ? { reporter } : {}),
  });
  return { receiptCode: receipt.code, ...reporterStatusOf(clue, view.state, view.status === 'closed') };
}

/** The reporter-facing status of the clue a receipt code belongs to, or NOT_FOUND. */
export async function clueStatusFor(engine: CaseEngine, receipts: ReporterReceipts, code: string): Promise<ReporterStatus> {
  const view = await engine.getCase(await receipts.caseFor(code));
  return reporterStatusOf(engine.definition(view.type), view.state, view.status === 'closed');
}

/** Registers the public intake routes. */
export function registerPublicIntakeRoutes(api: Api): void {
  const intakeLimit = { max: api.limits.intakeMax, timeWindow: api.limits.windowMs };
  const receiptLimit = { max: api.limits.receiptMax, timeWindow: api.limits.windowMs };

  api.route(
    {
      method: 'POST',
      url: '/public/clues',
      tag: 'public',
      summary: 'File a clue about a "lying flat" official, anonymously or with your name',
      description: 'Leave out `reporter` to stay anonymous. A named reporter’s identity is kept apart from the case and never shown. The answer carries a receipt code, shown once.',
      access: 'public',
      body: publicClueBody,
      bodyLimit: api.limits.publicBodyLimit,
      rateLimit: intakeLimit,
      status: 201,
      response: { description: 'The receipt code (shown once) and the clue’s status', schema: filedClue },
    },
    async ({ body }) => ({ ...(await filePublicClue(api.engine, body)), notice: RECEIPT_NOTICE }),
  );

  api.route(
    {
      method: 'GET',
      url: '/public/clues/status',
      tag: 'public',
      summary: 'The status of your clue, by its receipt code (in the X-Receipt-Code header)',
      access: 'public',
      headers: receiptHeaders,
      rateLimit: receiptLimit,
      errors: [404],
      response: { description: 'A reporter-facing status: never the internal state', schema: clueStatus },
    },
    async ({ headers }) => clueStatusFor(api.engine, api.receipts, receiptOf(headers[RECEIPT_HEADER])),
  );

  api.route(
    {
      method: 'POST',
      url: '/public/clues/info',
      tag: 'public',
      summary: 'Add information to your clue, with its receipt code',
      description: 'The information reaches the caseworkers handling the clue; you receive an acknowledgement, not the information back.',
      access: 'public',
      headers: receiptHeaders,
      body: addInformationBody,
      bodyLimit: api.limits.publicBodyLimit,
      rateLimit: receiptLimit,
      status: 201,
      errors: [404],
      response: { description: 'Acknowledgement', schema: acknowledgement },
    },
    async ({ headers, body }) => ({
      acknowledged: true as const,
      ...(await api.receipts.addMessage(receiptOf(headers[RECEIPT_HEADER], body.receiptCode), body.information)),
    }),
  );
}
