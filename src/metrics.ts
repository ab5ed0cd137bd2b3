/**
 * caseflow's Prometheus metrics, defined once on a registry the composition root gives (one per
 * process, never prom-client's global default). No I/O here: the gauges read on scrape call
 * functions the composition root hands in (the outbox count, the queue's job counts).
 *
 * Two servers or workers in one process (tests) may share a registry: each metric is created once
 * and then reused, so a second `CaseflowMetrics` on the same registry adds to the same series.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The metric names, for dashboards, alerts and tests. */
export const METRIC = {
  httpDuration: 'caseflow_http_request_duration_seconds',
  stepLateness: 'caseflow_deadline_step_lateness_seconds',
  notificationFailures: 'caseflow_notification_failures_total',
  reconcileRepairs: 'caseflow_reconcile_repairs_total',
  outboxBacklog: 'caseflow_outbox_backlog',
  queueJobs: 'caseflow_queue_jobs',
} as const;

/** The route label of a request that matched no route (so unknown paths cannot blow up the label set). */
export const UNMATCHED_ROUTE = '(unmatched)';

/** How many pending wake-ups the backlog gauge counts at most (it reads rows, not a COUNT). */
export const OUTBOX_BACKLOG_CAP = 1000;

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** From a precise local timer (milliseconds late) to a Redis outage (an hour late). */
const LATENESS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

/** The metric of this name on `registry`, created by `make` when there is none yet. */
function once<M>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

/** What the scrape-time gauges of one registry read. */
interface ScrapeSources {
  outbox?: () => Promise<number>;
  queues: Map<string, () => Promise<Record<string, number>>>;
}
const scrapeSources = new WeakMap<Registry, ScrapeSources>();
function sourcesOf(registry: Registry): ScrapeSources {
  let sources = scrapeSources.get(registry);
  if (!sources) scrapeSources.set(registry, (sources = { queues: new Map() }));
  return sources;
}

/** The metrics one caseflow process reports. */
export class CaseflowMetrics {
  private readonly http: Histogram<'route' | 'method' | 'status'>;
  private readonly lateness: Histogram;
  private readonly failures: Counter<'final'>;
  private readonly repairs: Counter;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.http = once(
      registry,
      METRIC.httpDuration,
      () =>
        new Histogram({
          name: METRIC.httpDuration,
          help: 'HTTP requests served, by route template, method and status, in seconds',
          labelNames: ['route', 'method', 'status'],
          buckets: HTTP_BUCKETS,
          registers,
        }),
    );
    this.lateness = once(
      registry,
      METRIC.stepLateness,
      () =>
        new Histogram({
          name: METRIC.stepLateness,
          help: 'How late each deadline ladder step fired after its scheduled moment, in seconds (clock time)',
          buckets: LATENESS_BUCKETS,
          registers,
        }),
    );
    this.failures = once(
      registry,
      METRIC.notificationFailures,
      () =>
        new Counter({
          name: METRIC.notificationFailures,
          help: 'Notification deliveries that failed; final="true" when the notice was given up on',
          labelNames: ['final'],
          registers,
        }),
    );
    this.repairs = once(
      registry,
      METRIC.reconcileRepairs,
      () => new Counter({ name: METRIC.reconcileRepairs, help: 'Deadline wake-ups the reconciler found missing from Redis and put back in the outbox', registers }),
    );
  }

  /** One HTTP request served by a route (its template, e.g. /cases/:id) or by no route. */
  httpRequest(route: string, method: string, status: number, seconds: number): void {
    this.http.observe({ route, method, status: String(status) }, seconds);
  }

  /** A ladder step fired `latenessMs` after its moment (FireOutcome.latenessMs). */
  stepFired(latenessMs: number): void {
    this.lateness.observe(Math.max(0, latenessMs) / 1000);
  }

  /** A notification delivery failed; `final` when no further attempt will be made. */
  notificationFailed(final = false): void {
    this.failures.inc({ final: String(final) });
  }

  /** The reconciler put `n` lost wake-ups back (what `DeadlineDispatcher.reconcile` returns). */
  reconcileRepaired(n: number): void {
    if (n > 0) this.repairs.inc(n);
  }

  /**
   * Reports the wake-up outbox backlog on every scrape: `count` says how many wake-ups are pending
   * (at most OUTBOX_BACKLOG_CAP). When it fails, the gauge reads NaN for that scrape.
   */
  readOutboxBacklogOnScrape(count: () => Promise<number>): void {
    const sources = sourcesOf(this.registry);
    sources.outbox = count;
    once(
      this.registry,
      METRIC.outboxBacklog,
      () =>
        new Gauge({
          name: METRIC.outboxBacklog,
          help: `Deadline wake-ups in the outbox not yet handed to the queue (counted up to ${OUTBOX_BACKLOG_CAP})`,
          registers: [this.registry],
          async collect() {
            this.set(sources.outbox ? await sources.outbox().catch(() => Number.NaN) : Number.NaN);
          },
        }),
    );
  }

  /**
   * Reports the job counts of a queue on every scrape, by state (wait, delayed, active, failed, …).
   * When they cannot be read, that queue's series are left out of the scrape.
   */
  readQueueDepthOnScrape(queue: string, counts: () => Promise<Record<string, number>>): void {
    const sources = sourcesOf(this.registry);
    sources.queues.set(queue, counts);
    once(
      this.registry,
      METRIC.queueJobs,
      () =>
        new Gauge({
          name: METRIC.queueJobs,
          help: 'Jobs in each queue by state, read from Redis on scrape',
          labelNames: ['queue', 'state'],
          registers: [this.registry],
          async collect() {
            this.reset();
            await Promise.all(
              [...sources.queues].map(async ([name, read]) => {
                const byState = await read().catch(() => null);
                for (const [state, n] of Object.entries(byState ?? {})) this.set({ queue: name, state }, n);
              }),
            );
          },
        }),
    );
  }

  /** The exposition text of every metric on the registry. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of `scrape()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
