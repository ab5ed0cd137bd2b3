/**
 * Whether a caseflow process is up and ready, in one shape for the API server and the worker's
 * small listener: GET /healthz (the process answers), GET /readyz (the database, Redis and the
 * schema are fit to serve) and GET /metrics (Prometheus text, admins only on the API).
 *
 * The probes themselves (a read through the Store port, a Redis PING) are built by the composition
 * root and handed in, so nothing here talks to Redis. A failing readiness answer names which check
 * failed, never the driver's message (it can name hosts and ports): that goes to the log.
 */
import { z } from 'zod';
import type { CaseflowMetrics } from '../metrics';
import type { Api } from './context';
import type { ErrorBody } from './errors';

/** The outcome of one readiness check. */
export type CheckResult = { ok: true; note?: string } | { ok: false; reason: 'failed' | 'timed out'; error: string };

/** Every readiness check by name (database, redis, migrations): ready when all are ok. */
export interface ReadinessReport {
  checks: Record<string, CheckResult>;
}

/** Runs the readiness checks of a process. */
export type Readiness = () => Promise<ReadinessReport>;

/** A check: resolves (optionally with a note) when fine, rejects when not. */
export type Probe = () => Promise<string | void>;

/** How long a check may take before it counts as failed. */
export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

/** Runs every probe at once, each within `timeoutMs`. */
export async function runReadinessChecks(probes: Record<string, Probe>, timeoutMs = DEFAULT_CHECK_TIMEOUT_MS): Promise<ReadinessReport> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<[string, CheckResult]> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
        timer.unref();
      });
      try {
        const outcome = await Promise.race([probe(), timeout]);
        if (outcome === 'timeout') return [name, { ok: false, reason: 'timed out', error: `no answer within ${timeoutMs} ms` }];
        return [name, typeof outcome === 'string' ? { ok: true, note: outcome } : { ok: true }];
      } catch (error) {
        return [name, { ok: false, reason: 'failed', error: error instanceof Error ? error.message : String(error) }];
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { checks: Object.fromEntries(entries) };
}

/** One check as a response states it: its status and note, never its error text. */
const checkView = z.object({ status: z.enum(['ok', 'failed', 'timed out']), note: z.string().optional() });
type CheckView = z.output<typeof checkView>;

export const livenessBody = z.object({ status: z.literal('ok') });
export const readinessBody = z.object({ status: z.literal('ready'), checks: z.record(z.string(), checkView) });

/** The names of the failed checks, in report order. */
export const failedChecks = (report: ReadinessReport): string[] =>
  Object.entries(report.checks)
    .filter(([, c]) => !c.ok)
    .map(([name]) => name);

/** The status and body that answer GET /readyz: 200 when every check passed, else 503 NOT_READY naming the failed ones. */
export function readinessReply(report: ReadinessReport): { status: 200; body: z.output<typeof readinessBody> } | { status: 503; body: ErrorBody } {
  const checks: Record<string, CheckView> = {};
  for (const [name, c] of Object.entries(report.checks)) checks[name] = c.ok ? { status: 'ok', ...(c.note ? { note: c.note } : {}) } : { status: c.reason };
  const failed = failedChecks(report);
  if (!failed.length) return { status: 200, body: { status: 'ready', checks } };
  const what = failed.map((name) => `${name} ${checks[name]!.status}`).join(', ');
  return {
    status: 503,
    body: { code: 'NOT_READY', message: `This process is not ready to serve: ${what}. It is retried on the next probe.`, details: { failed, checks } },
  };
}

/** Logs readiness only when it changes (a probe every few seconds must not flood the log). */
export function readinessLogger(log: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void): (report: ReadinessReport) => void {
  let last = '';
  return (report) => {
    const failed = failedChecks(report);
    const key = failed.join(',');
    if (key === last) return;
    const wasReady = last === '';
    last = key;
    if (failed.length) {
      const errors = Object.fromEntries(failed.map((name) => [name, (report.checks[name] as { error: string }).error]));
      log('warn', 'not ready', { failed, errors });
    } else if (!wasReady) log('info', 'ready again', {});
  };
}

/** Routes that are polled by machines: no rate limit, no request lines at info, not in the latency histogram. */
const OPERATIONAL = { tag: 'operations', quiet: true } as const;

/** Registers GET /healthz, GET /readyz (public) and GET /metrics (admins). */
export function registerHealthRoutes(api: Api, deps: { readiness: Readiness; metrics: CaseflowMetrics }): void {
  const noteReadiness = readinessLogger((level, message, fields) => api.app.log[level](fields, message));
  api.route(
    {
      ...OPERATIONAL,
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness: the process answers',
      description: 'Answers 200 while the process runs, whatever the database or Redis do: restart the process only when this fails.',
      access: 'public',
      response: { description: 'Alive', schema: livenessBody },
    },
    () => ({ status: 'ok' }),
  );
  api.route(
    {
      ...OPERATIONAL,
      method: 'GET',
      url: '/readyz',
      summary: 'Readiness: the database, Redis and the schema are fit to serve',
      description:
        'Reads through the database, PINGs Redis (when this server uses it) and reports the migrations (applied, under a lock, when the store was opened). ' +
        '503 NOT_READY names the checks that failed; take the process out of rotation until it answers 200 again.',
      access: 'public',
      errors: [503],
      response: { description: 'Every check passed', schema: readinessBody },
    },
    async ({ reply }) => {
      const report = await deps.readiness();
      noteReadiness(report);
      const { status, body } = readinessReply(report);
      reply.code(status);
      return body;
    },
  );
  api.route(
    {
      ...OPERATIONAL,
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics of this process',
      description: 'The text exposition format: request latencies by route, the outbox backlog and the process’s own metrics.',
      access: ['admin'],
      response: { description: 'Prometheus text' },
    },
    async ({ reply }) => reply.type(deps.metrics.contentType).send(await deps.metrics.scrape()),
  );
}
