/**
 * The event bus port: after a commit, the engine says what changed, and whoever listens (the
 * dispatcher, the notifier, live views) reacts. In-process here; a cross-process implementation
 * (PostgreSQL LISTEN/NOTIFY or Redis pub/sub) can stand in its place.
 */

/** What a commit changed. */
export type CaseflowSignal =
  /** A case's snapshot or log moved. */
  | { kind: 'caseChanged'; caseId: string }
  /** Deadline schedules moved: the wake-up outbox has work. */
  | { kind: 'deadlinesChanged' }
  /** Notices were queued for sending. */
  | { kind: 'notificationsQueued' }
  /** A calendar year was imported: every process reads the stored years again. */
  | { kind: 'calendarChanged' };

/** Publishes signals after commits and lets listeners subscribe. */
export interface EventBus {
  publish(signal: CaseflowSignal): void;
  /** Calls `listener` on every signal from now on; returns a function that stops it. */
  subscribe(listener: (signal: CaseflowSignal) => void): () => void;
}

/** A bus inside one process. A listener that throws does not stop the others. */
export class LocalEventBus implements EventBus {
  private readonly listeners = new Set<(signal: CaseflowSignal) => void>();
  constructor(private readonly onListenerError: (error: unknown) => void = () => undefined) {}

  publish(signal: CaseflowSignal): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(signal);
      } catch (error) {
        this.onListenerError(error);
      }
    }
  }

  subscribe(listener: (signal: CaseflowSignal) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
