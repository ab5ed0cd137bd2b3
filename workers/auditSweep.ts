/**
 * The periodic audit: the leader verifies every case's log chain and, when a link is broken, raises
 * an alert notice (through the engine's audit, which writes it through the one writer) and logs
 * an error. A break already alerted by this process is not alerted again at every run.
 */
import type { CaseLogAudit, ChainBreak } from '../src/engine/audit';
import type { Logger } from '../src/logger';

export interface AuditSweepOptions {
  audit: Pick<CaseLogAudit, 'verifyAll' | 'alert'>;
  logger: Logger;
  /** Who receives the alerts. @defaultValue `admin` */
  recipient?: string;
}

/** What one audit run found. */
export interface AuditRun {
  ok: boolean;
  events: number;
  /** Alerts queued by this run (breaks not alerted before). */
  alerted: number;
}

const keyOf = (b: ChainBreak): string => `${b.caseId}|${b.reason}|${b.eventId ?? ''}`;

/** Verifies the case log when asked, one run at a time. */
export class AuditSweep {
  private readonly alerted = new Set<string>();
  private running: Promise<AuditRun> | null = null;

  constructor(private readonly options: AuditSweepOptions) {}

  /** One run (a second call while one runs joins it). */
  run(): Promise<AuditRun> {
    this.running ??= this.verify().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** The run in progress, if any (for a clean shutdown). */
  get inProgress(): Promise<AuditRun> | null {
    return this.running;
  }

  private async verify(): Promise<AuditRun> {
    const { audit, logger } = this.options;
    const report = await audit.verifyAll();
    if (report.ok) return { ok: true, events: report.events, alerted: 0 };
    const fresh = report.breaks.filter((b) => !this.alerted.has(keyOf(b)));
    for (const b of report.breaks) logger.error('the case log fails verification', { caseId: b.caseId, reason: b.reason, eventId: b.eventId, seq: b.seq });
    const alerted = await audit.alert(fresh, this.options.recipient ?? 'admin');
    for (const b of fresh) this.alerted.add(keyOf(b));
    return { ok: false, events: report.events, alerted };
  }
}
