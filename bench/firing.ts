/**
 * 4. Firing capacity: deadline steps per second by one worker, `engine.deadlines.fire` (the guarded
 * update, the log entry, the card, the notices and the machine event, in one transaction) against
 * the same step written bare with better-sqlite3 statements prepared once. No Redis: the queue's
 * share is in the lateness rows. Both sides write the same rows (checked by a digest).
 */
import type Database from 'better-sqlite3';
import type { DeadlineRecord } from '../db/records';
import type { DeadlineSpec, WarningLevel } from '../machines/types';
import type { ManualClock } from '../src/clock';
import { stepMoment } from '../src/deadlines/ladder';
import { DEADLINE_WORKER } from '../src/engine/deadlineCommands';
import { defaultCalendar, type WorkingDayCalendar } from '../src/time';
import { median, pairedRatio, progress, timeAsync, type BenchContext, type Figure } from './lib';
import { BareWriter, benchEngine, digest, liaison, supervisor } from './workload';

const WARNING_ORDER: readonly (WarningLevel | 'none')[] = ['none', 'blue', 'yellow', 'red'];

type RawDeadline = {
  id: string; case_id: string; unit: string | null; kind: string; basis: string; time_zone: string; spec: string; base_at: number; due_at: number;
  status: string; running: number; warning: WarningLevel | 'none'; escalation_level: number; next_step: number; next_fire_at: number | null; schedule_rev: number; suspended_at: number | null;
};

/**
 * `engine.deadlines.fire` with every statement raw and prepared once, the machine event the step
 * carries applied by the bare writer in the same transaction; the same rows written.
 */
function preparedFiring(client: Database.Database, clock: ManualClock, calendar: WorkingDayCalendar) {
  const s = {
    row: client.prepare<[string], RawDeadline>('SELECT * FROM deadlines WHERE id = ?'),
    update: client.prepare(
      'UPDATE deadlines SET due_at = ?, suspended_at = ?, next_step = ?, next_fire_at = ?, schedule_rev = ?, warning = ?, status = ?, escalation_level = ?, updated_at = ? WHERE id = ? AND running = 1 AND schedule_rev = ?',
    ),
    version: client.prepare<[string], number>('SELECT version FROM cases WHERE id = ?').pluck(),
    event: client.prepare(`INSERT INTO case_events (case_id, version, kind, type, actor_id, actor_role, at, payload, from_state, to_state) VALUES (?, ?, 'deadlineStep', ?, ?, ?, ?, ?, NULL, NULL)`),
    card: client.prepare('INSERT INTO warning_cards (deadline_id, case_id, unit, warning, step, issued_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
    notice: client.prepare(
      `INSERT INTO notifications (case_id, deadline_id, step, recipient, warning, subject, body, status, attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?) ON CONFLICT DO NOTHING`,
    ),
  };
  const bare = new BareWriter(client);
  const specs = new Map<string, DeadlineSpec>();
  return client.transaction((deadlineId: string, rev: number): string => {
    const row = s.row.get(deadlineId);
    if (!row || !row.running || row.schedule_rev !== rev || row.next_fire_at === null || row.suspended_at !== null) return 'stale';
    const now = clock.now();
    if (now < row.next_fire_at) return 'early';
    let spec = specs.get(row.spec);
    if (!spec) specs.set(row.spec, (spec = JSON.parse(row.spec) as DeadlineSpec));
    const step = spec.ladder[row.next_step];
    if (!step) return 'stale';
    const nextFireAt = stepMoment({ spec, baseAt: row.base_at, dueAt: row.due_at, timeZone: row.time_zone }, row.next_step + 1, calendar);
    const warning = step.warning !== undefined && WARNING_ORDER.indexOf(step.warning) > WARNING_ORDER.indexOf(row.warning) ? step.warning : row.warning;
    const changed = s.update.run(row.due_at, row.suspended_at, row.next_step + 1, nextFireAt, rev + 1, warning, step.marksOverdue ? 'overdue' : row.status, row.escalation_level + (step.warning === 'red' ? 1 : 0), now, row.id, rev);
    if (changed.changes !== 1) return 'stale';
    const payload = JSON.stringify({
      deadlineId: row.id,
      deadlineKind: row.kind,
      step: step.name,
      warning: step.warning,
      dueAt: new Date(row.due_at).toISOString(),
      scheduledFor: new Date(row.next_fire_at).toISOString(),
      notified: step.notify,
    });
    s.event.run(row.case_id, s.version.get(row.case_id) ?? 0, `DEADLINE_${step.name.toUpperCase()}`, DEADLINE_WORKER.id, DEADLINE_WORKER.role, now, payload);
    if (step.warning) s.card.run(row.id, row.case_id, row.unit, step.warning, step.name, now);
    const due = new Date(row.due_at).toISOString();
    for (const recipient of step.notify) {
      s.notice.run(row.case_id, row.id, step.name, recipient, step.warning ?? null, `[${step.warning ?? 'notice'}] ${row.kind} of case ${row.case_id}: ${step.name}`, `${row.basis}. Due ${due}${row.unit ? `, unit ${row.unit}` : ''}.`, now);
    }
    // the machine event, by hand, in a savepoint of this transaction
    if (step.sendsEvent) bare.applyTx(row.case_id, step.sendsEvent, { deadlineKind: row.kind }, DEADLINE_WORKER, now);
    return 'fired';
  }).immediate;
}

/** Both sides fire the same steps of the same cases, alternating in slices of 100, three runs. */
export async function benchFiring(ctx: BenchContext): Promise<Figure[]> {
  const n = ctx.quick ? 1000 : 2000;
  const runs = 3;
  const calendar = defaultCalendar();
  const build = async (name: string) => {
    const fx = benchEngine(ctx.tempDir('proto-firing'), name);
    const t0 = fx.clock.now();
    const airedAt = new Date(t0).toISOString();
    for (let i = 0; i < n; i++) {
      const opened = await fx.engine.createCase({ type: 'rectification', input: { unit: `Unit ${i % 200}`, report: 'r', airedAt, planDueMinutes: 1 }, actor: supervisor });
      await fx.engine.applyEvent(opened.id, { type: 'NOTIFY_UNIT', liaisonId: liaison.id }, supervisor);
    }
    const ids = (await fx.cf.store.read((tx) => Promise.all(Array.from({ length: n }, (_, i) => tx.deadlines.runningOfCase(sequentialCaseId(i))))))
      .flat()
      .map((d: DeadlineRecord) => d.id)
      .sort();
    return { fx, t0, ids, ms: { remind: 0, overdue: 0 } };
  };
  const rows: { current: number[]; prepared: number[]; currentOverdue: number[]; preparedOverdue: number[] } = { current: [], prepared: [], currentOverdue: [], preparedOverdue: [] };
  let same = true;
  for (let r = 0; r < runs; r++) {
    const cur = await build(`current-${r}`);
    const pro = await build(`prepared-${r}`);
    const fire = preparedFiring(pro.fx.client, pro.fx.clock, calendar);
    for (const [step, at, rev] of [['remind', cur.t0 + 45_000, 1], ['overdue', cur.t0 + 60_000, 2]] as const) {
      cur.fx.clock.set(at);
      pro.fx.clock.set(at);
      for (let from = 0; from < n; from += 100) {
        const slice = cur.ids.slice(from, from + 100);
        const a = async () => {
          cur.ms[step] += await timeAsync(async () => {
            for (const id of slice) if ((await cur.fx.engine.deadlines.fire(id, rev)).kind !== 'fired') throw new Error(`${id} did not fire ${step}`);
          });
        };
        const b = async () => {
          pro.ms[step] += await timeAsync(() => {
            for (const id of slice) if (fire(id, rev) !== 'fired') throw new Error(`${id} did not fire ${step} (prototype)`);
            return Promise.resolve();
          });
        };
        if ((from / 100) % 2) {
          await a();
          await b();
        } else {
          await b();
          await a();
        }
      }
    }
    same &&= digest(cur.fx.client) === digest(pro.fx.client);
    rows.current.push((n * 1000) / cur.ms.remind);
    rows.prepared.push((n * 1000) / pro.ms.remind);
    rows.currentOverdue.push((n * 1000) / cur.ms.overdue);
    rows.preparedOverdue.push((n * 1000) / pro.ms.overdue);
    progress(`4 firing run ${r + 1}/${runs}: remind ${Math.round(rows.current[r]!)}/s (bare ${Math.round(rows.prepared[r]!)}/s); overdue (+ machine event) ${Math.round(rows.currentOverdue[r]!)}/s (bare ${Math.round(rows.preparedOverdue[r]!)}/s); same rows: ${same}`);
    await cur.fx.close();
    await pro.fx.close();
  }
  // the lateness test (bench/lateness.ts) asks for 2,000 deadlines × 2 steps in 3 s
  const demand = 4000 / 3;
  const row = (name: string, cf: number[], base: number[]): Figure => ({
    group: '4',
    name,
    unit: 'steps/s',
    caseflow: median(cf),
    bare: median(base),
    pairedRatio: pairedRatio(cf, base),
    bareLabel: 'the same step, statements prepared once',
    target: { kind: 'ratioAtLeast', min: 0.7 },
    runs: cf,
    bareRuns: base,
    detail: { deadlines: n, sameRows: same, demandPerSecond: Math.round(demand) },
    note: `no Redis: the firing transaction alone (guarded update, log entry, card, notices, machine event). ${(median(cf) / demand).toFixed(1)}× the lateness test's demand of ${Math.round(demand).toLocaleString('en-US')} steps/s (target ≥ 4×). Same rows written on both sides: ${same}`,
  });
  return [
    row('deadline steps per second by one worker: remind step (engine.deadlines.fire)', rows.current, rows.prepared),
    row('deadline steps per second by one worker: overdue step (+ DEADLINE_MISSED)', rows.currentOverdue, rows.preparedOverdue),
  ];
}

/** The id `sequentialIds()` gives its i-th case (the bench caseflows use it). */
const sequentialCaseId = (i: number): string => `RC-20261125-${i.toString(32).toUpperCase().padStart(12, '0')}`;
