/**
 * The event bus across processes, over Redis pub/sub: a commit in an API server nudges the
 * dispatcher and notifier in the worker process at once, instead of on their next poll.
 *
 * Every signal is delivered to this process's own listeners at once (as LocalEventBus does) and
 * published on `<prefix>:signals` as `{origin, signal}`; a process ignores the messages that carry
 * its own origin, so it never handles its own signal twice. Redis is a fast path, not the truth:
 * while it is away, publishing only logs (once per outage) and the workers' periodic polls pick the
 * work up from the database.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { Redis } from 'ioredis';
import { LocalEventBus, type CaseflowSignal, type EventBus } from '../src/bus';
import { silentLogger, type Logger } from '../src/logger';

/** What travels on the channel. */
interface SignalMessage {
  /** The bus that published it. */
  origin: string;
  signal: CaseflowSignal;
}

/** The signal of a message, or null when it is not one (another program on the channel, a newer caseflow). */
function parseMessage(text: string): SignalMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const { origin, signal } = value as { origin?: unknown; signal?: unknown };
  if (typeof origin !== 'string' || !signal || typeof signal !== 'object') return null;
  const s = signal as { kind?: unknown; caseId?: unknown };
  if (s.kind === 'caseChanged' && typeof s.caseId === 'string') return { origin, signal: { kind: 'caseChanged', caseId: s.caseId } };
  if (s.kind === 'deadlinesChanged' || s.kind === 'notificationsQueued' || s.kind === 'calendarChanged') return { origin, signal: { kind: s.kind } };
  return null;
}

/** The channel signals travel on. */
export const signalChannel = (prefix: string): string => `${prefix}:signals`;

/** An EventBus shared by every process on one Redis. */
export class RedisEventBus implements EventBus {
  /** Names this bus in its messages: host, process id and a random part (two buses in one process differ). */
  readonly origin = `${os.hostname()}:${process.pid}:${randomUUID()}`;
  readonly channel: string;
  private readonly local: LocalEventBus;
  private closed = false;
  private publishFailing = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    prefix: string,
    private readonly logger: Logger = silentLogger,
  ) {
    this.channel = signalChannel(prefix);
    this.local = new LocalEventBus((error) => logger.error('a signal listener failed', { error: String(error) }));
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel || this.closed) return;
      const message = parseMessage(text);
      if (!message) return void logger.warn('ignored a message on the signal channel that is not a caseflow signal', { channel });
      if (message.origin !== this.origin) this.local.publish(message.signal);
    });
  }

  publish(signal: CaseflowSignal): void {
    this.local.publish(signal);
    if (this.closed) return;
    const message: SignalMessage = { origin: this.origin, signal };
    this.publisher.publish(this.channel, JSON.stringify(message)).then(
      () => {
        if (!this.publishFailing) return;
        this.publishFailing = false;
        this.logger.info('signals reach the other processes again', { channel: this.channel });
      },
      (error: unknown) => {
        if (this.publishFailing) return;
        this.publishFailing = true;
        this.logger.warn('a signal did not reach the other processes; they pick the work up on their next poll', {
          kind: signal.kind,
          error: error instanceof Error ? error.message : String(error),
        });
      },
    );
  }

  subscribe(listener: (signal: CaseflowSignal) => void): () => void {
    return this.local.subscribe(listener);
  }

  /** Stops listening to the channel and closes both connections; publishing afterwards stays local. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.subscriber.status === 'ready') await this.subscriber.unsubscribe(this.channel).catch(() => undefined);
    this.subscriber.disconnect();
    if (this.publisher.status === 'ready') await this.publisher.quit().catch(() => this.publisher.disconnect());
    else this.publisher.disconnect();
  }
}

/** Options of `connectRedisEventBus`. */
export interface RedisEventBusOptions {
  /** Key prefix; the channel is `<prefix>:signals`. @defaultValue `caseflow` */
  prefix?: string;
  logger?: Logger;
  /** How long to wait for Redis before going on without it (it keeps reconnecting). @defaultValue 1000 */
  connectTimeoutMs?: number;
}

/**
 * Connects a RedisEventBus: a publishing connection that fails fast, and a subscribing one that
 * keeps (re)subscribing. Resolves within `connectTimeoutMs` even when Redis is away: signals stay
 * local until it answers, and the outage is logged.
 */
export async function connectRedisEventBus(url: string, options: RedisEventBusOptions = {}): Promise<RedisEventBus> {
  const prefix = options.prefix ?? 'caseflow';
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.connectTimeoutMs ?? 1000;
  // (a short disconnectTimeout: closing a connection that is down does not leave a timer behind for long)
  const publisher = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, disconnectTimeout: 200, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  // the SUBSCRIBE waits for the connection however long it takes, and ioredis renews it after a reconnect
  const subscriber = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, disconnectTimeout: 200, maxRetriesPerRequest: null, autoResubscribe: true });
  let subscriberDown = false;
  publisher.on('error', () => undefined); // publish failures are logged where they happen
  subscriber.on('error', (error: Error) => {
    if (subscriberDown) return;
    subscriberDown = true;
    logger.warn('redis (signals) unavailable: signals from other processes wait until it is back', { error: error.message });
  });
  subscriber.on('ready', () => {
    if (!subscriberDown) return;
    subscriberDown = false;
    logger.info('redis (signals) available again', {});
  });
  const bus = new RedisEventBus(publisher, subscriber, prefix, logger);
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  const published = publisher.connect().then(
    () => true,
    () => false,
  );
  const subscribed = subscriber.subscribe(bus.channel).catch(() => undefined);
  // ready when both are connected; when Redis refuses the first connection, go on at once
  await Promise.race([Promise.all([published, subscribed]), published.then((ok) => (ok ? subscribed : undefined)), waited]);
  clearTimeout(timer);
  return bus;
}
