/**
 * caseflow's metrics: defined once per registry (never prom-client's global one), typed methods for
 * what the workers report, and gauges read on scrape that do not fail the scrape when their source does.
 */
import { register as globalRegistry, Registry } from 'prom-client';
import { processMetrics } from '../../app/observability';
import { CaseflowMetrics, METRIC } from '../../src/metrics';

const sample = (text: string, name: string, labels = ''): number | undefined => {
  const escaped = `${name}${labels ? `{${labels}}` : ''}`.replace(/[{}()[\]+.]/g, (c) => `\\${c}`);
  const value = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
};

describe('CaseflowMetrics', () => {
  test('step lateness (seconds), notification failures and reconcile repairs', async () => {
    const metrics = new CaseflowMetrics(new Registry());
    metrics.stepFired(1500);
    metrics.stepFired(-20); // a step fired a hair early counts as on time
    metrics.notificationFailed();
    metrics.notificationFailed();
    metrics.notificationFailed(true);
    metrics.reconcileRepaired(0);
    metrics.reconcileRepaired(3);
    const text = await metrics.scrape();
    expect(sample(text, `${METRIC.stepLateness}_count`)).toBe(2);
    expect(sample(text, `${METRIC.stepLateness}_sum`)).toBe(1.5);
    expect(sample(text, `${METRIC.stepLateness}_bucket`, 'le="0.01"')).toBe(1);
    expect(sample(text, METRIC.notificationFailures, 'final="false"')).toBe(2);
    expect(sample(text, METRIC.notificationFailures, 'final="true"')).toBe(1);
    expect(sample(text, METRIC.reconcileRepairs)).toBe(3);
  });

  test('two instances on one registry share their series; nothing lands on the global registry', async () => {
    const registry = new Registry();
    const a = new CaseflowMetrics(registry);
    const b = new CaseflowMetrics(registry);
    a.httpRequest('/cases', 'GET', 200, 0.01);
    b.httpRequest('/cases', 'GET', 200, 0.02);
    expect(sample(await a.scrape(), `${METRIC.httpDuration}_count`, 'route="/cases",method="GET",status="200"')).toBe(2);
    processMetrics();
    expect((await globalRegistry.getMetricsAsJSON()).map((m) => m.name)).toEqual([]);
  });

  test('a scrape-time gauge whose source fails reads NaN (outbox) or is left out (queue); the scrape still answers', async () => {
    const metrics = new CaseflowMetrics(new Registry());
    metrics.readOutboxBacklogOnScrape(() => Promise.reject(new Error('database away')));
    metrics.readQueueDepthOnScrape('deadlines', () => Promise.reject(new Error('redis away')));
    metrics.readQueueDepthOnScrape('other', () => Promise.resolve({ waiting: 4 }));
    const text = await metrics.scrape();
    expect(sample(text, METRIC.outboxBacklog)).toBeNaN();
    expect(text).not.toContain('queue="deadlines"');
    expect(sample(text, METRIC.queueJobs, 'queue="other",state="waiting"')).toBe(4);
  });
});
