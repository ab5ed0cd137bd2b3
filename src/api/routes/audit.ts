/**
 * The admin's view of the case log's evidence: `GET /audit/verify` checks one case's hash chain
 * (`?caseId=`) or every case's, and names the first broken link of each broken case and why.
 */
import { z } from 'zod';
import { AUDITORS } from '../../engine/policy';
import type { Api } from '../context';

const verifyQuery = z.strictObject({ caseId: z.string().min(1).max(100).optional() });

const chainBreak = z.object({
  caseId: z.string(),
  reason: z.enum(['edited', 'unsealed', 'deleted', 'reordered', 'relinked', 'truncated', 'headMismatch']),
  eventId: z.number().nullable(),
  seq: z.number().nullable(),
  message: z.string(),
});

const auditReport = z.object({ ok: z.boolean(), cases: z.number(), events: z.number(), breaks: z.array(chainBreak) });

/** Registers the audit routes. */
export function registerAuditRoutes(api: Api): void {
  api.route(
    {
      method: 'GET',
      url: '/audit/verify',
      tag: 'audit',
      summary: "Verify the case log's hash chains",
      description: 'One case with `caseId`, else every case. `ok` is false when a link is broken; each broken case is listed with its first broken link and why.',
      access: AUDITORS,
      query: verifyQuery,
      response: { description: 'What the verification found', schema: auditReport },
      errors: [404],
    },
    async ({ query }) => (query.caseId === undefined ? api.audit.verifyAll() : api.audit.verifyCase(query.caseId)),
  );
}
