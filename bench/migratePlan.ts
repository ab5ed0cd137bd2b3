/**
 * 7. `migrate plan` cases per second on SQLite: every open rectification (each four steps into its
 * life, its plan under review) replayed under a policy that lengthens the plan review limit, against
 * a bare replay of the same logs (the same rows read with one prepared statement, the bare XState
 * machine fed the same events, the final state compared). Target: at least 2,000 cases per second.
 */
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine, type EventObject } from 'xstate';
import { caseDefinitions } from '../machines';
import { rectification } from '../machines/rectification';
import { parseOfficePolicy } from '../src/officePolicy';
import { median, progress, timeAsync, timeSync, type BenchContext, type Figure } from './lib';
import { LIFE, benchEngine, rectificationRequest, sqliteClient, supervisor } from './workload';

const admin = { id: 'root.admin', role: 'admin' } as const;
const machine: AnyStateMachine = rectification.machine;
const STEPS = 4;
const policy = parseOfficePolicy({ limits: { planReviewDue: { limit: { kind: 'workingDays', days: 2 }, basis: 'Office rule 4: two working days' } } }, caseDefinitions);

interface LogRow {
  caseId: string;
  kind: string;
  type: string;
  actorId: string;
  actorRole: string;
  at: number;
  payload: string;
}

/** The bare side: the logs read with one statement, each replayed through the bare machine; returns the cases whose state it reproduced. */
function bareReplay(db: ReturnType<typeof sqliteClient>): number {
  const rows = db.prepare('SELECT case_id AS caseId, kind, type, actor_id AS actorId, actor_role AS actorRole, at, payload FROM case_events ORDER BY case_id, id').all() as LogRow[];
  const states = new Map((db.prepare("SELECT id, state FROM cases WHERE status = 'open'").all() as { id: string; state: string }[]).map((r) => [r.id, r.state]));
  let same = 0;
  let snapshot: AnyMachineSnapshot | null = null;
  let current = '';
  const finish = () => {
    if (snapshot && snapshot.value === states.get(current)) same++;
  };
  for (const row of rows) {
    if (row.kind === 'created') {
      finish();
      current = row.caseId;
      const { input } = JSON.parse(row.payload) as { input: object };
      snapshot = initialTransition(machine, { ...input, caseId: row.caseId, openedAt: new Date(row.at).toISOString(), openedBy: { id: row.actorId, role: row.actorRole } })[0];
    } else if (row.kind === 'transition' && snapshot) {
      const event = { ...(JSON.parse(row.payload) as object), type: row.type, actor: { id: row.actorId, role: row.actorRole }, at: new Date(row.at).toISOString() } as EventObject;
      snapshot = transition(machine, snapshot, event)[0];
    }
  }
  finish();
  return same;
}

/** Measures migrate plan against the bare replay. */
export async function benchMigratePlan(ctx: BenchContext): Promise<Figure[]> {
  const cases = ctx.quick ? 500 : 4000;
  const runs = ctx.quick ? 3 : 5;
  const cf = benchEngine(ctx.tempDir('migrate'), 'migrate');
  try {
    for (let i = 0; i < cases; i++) {
      const { id } = await cf.engine.createCase({ type: 'rectification', input: rectificationRequest(i), actor: supervisor });
      for (const step of LIFE.slice(0, STEPS)) await cf.engine.applyEvent(id, { type: step.type, ...step.payload }, step.actor);
    }
    progress(`migrate plan: ${cases} open rectifications in planReview`);
    const ours: number[] = [];
    const bare: number[] = [];
    let moved = 0;
    let reproduced = 0;
    for (let run = 0; run < runs; run++) {
      ours.push((cases / (await timeAsync(async () => {
        const plan = await cf.engine.migrations.plan({ type: 'rectification', toVersion: 1, policy }, admin);
        moved = plan.summary.deadlinesMoved;
      }))) * 1000);
      bare.push((cases / timeSync(() => void (reproduced = bareReplay(sqliteClient(cf.cf.store))))) * 1000);
    }
    const figure = median(ours);
    return [
      {
        group: '7 migrations',
        name: 'migrate plan, open cases replayed (SQLite file)',
        unit: 'cases/s',
        caseflow: Math.round(figure),
        bare: Math.round(median(bare)),
        bareLabel: 'the bare XState machine fed the same logged events',
        target: { kind: 'none' },
        runs: ours.map(Math.round),
        bareRuns: bare.map(Math.round),
        detail: { cases, steps: STEPS, deadlinesMoved: moved, bareReproduced: reproduced },
        note: `target at least 2,000 cases/s: ${figure >= 2000 ? 'met' : 'NOT met'}; each case's deadlines re-planned under the new policy (${moved} move), every logged event decided again with its payload schema, guards and the API's refusals`,
      },
    ];
  } finally {
    await cf.close();
  }
}
