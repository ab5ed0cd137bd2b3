/**
 * `caseflow migrate plan` and `caseflow migrate apply` (operator commands): trial-run a new machine
 * version or office policy against every open case of a type, as a table, JSON or CSV, then move the
 * safe cases (or those listed). The new policy is the global `--policy FILE`: caseflow opens under it.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import type { MigrationApplyResult } from '../engine/migration/commands';
import type { CasePlan, MigrationPlan } from '../engine/migration/plan';
import { migrationPlanSchema } from '../engine/migration/schema';
import { InvalidPayloadError } from '../errors';
import { operatorActor, refusedAsOption, refuseAs } from './actor';
import type { Caseflow, CliContext } from './context';

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

interface TargetOptions {
  type?: string;
  toVersion?: string;
  map: string[];
  as?: string;
}

/** `--map old=new` options as a mapping, or INVALID_PAYLOAD naming the bad one. */
function parseMap(entries: readonly string[]): Record<string, string> {
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const [from, to, ...rest] = entry.split('=');
    if (!from || !to || rest.length) throw new InvalidPayloadError('--map option', [{ path: entry, message: 'write a state mapping as oldState=newState' }]);
    map[from.trim()] = to.trim();
  }
  return map;
}

/** The type and version options, or INVALID_PAYLOAD. */
function target(opts: TargetOptions): { type: string; toVersion: number; map: Record<string, string> } {
  const toVersion = Number(opts.toVersion);
  if (!opts.type) throw new InvalidPayloadError('migration', [{ path: '--type', message: 'name the case type, e.g. --type selfRecommendation' }]);
  if (!Number.isInteger(toVersion) || toVersion < 1) throw new InvalidPayloadError('migration', [{ path: '--to-version', message: 'name the machine version to move to, a whole number, e.g. --to-version 2' }]);
  return { type: opts.type, toVersion, map: parseMap(opts.map) };
}

/** A plan written by `migrate plan --format json`, or INVALID_PAYLOAD naming the file. */
export function readPlanFile(file: string): MigrationPlan {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidPayloadError('migration plan file', [{ path: file, message: `it cannot be read as JSON (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` }]);
  }
  const parsed = migrationPlanSchema.safeParse(raw);
  if (!parsed.success) throw new InvalidPayloadError('migration plan file', parsed.error.issues.map((i) => ({ path: `${file}: ${i.path.join('.')}`, message: i.message })));
  return parsed.data as MigrationPlan;
}

const verdict = (c: CasePlan): string => (c.action === 'none' ? 'up to date' : c.safe ? 'safe' : `DECIDE: ${c.decide.join(' ')}`);
const moves = (c: CasePlan): string =>
  c.deadlines
    .filter((d) => d.change !== 'unchanged')
    .map((d) => `${d.kind} ${d.move}${d.becomesLate ? ' (becomes late)' : ''}${d.stopsBeingLate ? ' (would stop being late)' : ''}`)
    .join('; ') || '—';

/** The plan as a summary and a table, one case a line. */
export function planTable(plan: MigrationPlan): string {
  const s = plan.summary;
  const rows = plan.cases.map((c) => [c.caseId, `v${c.fromVersion}→v${c.toVersion}`, c.sameState ? c.fromState : `${c.fromState} → ${c.toState ?? '?'}`, moves(c), verdict(c)]);
  const header = ['case', 'version', 'state', 'deadlines', 'verdict'];
  const widths = header.slice(0, 4).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((cell, i) => (i < 4 ? cell.padEnd(widths[i]!) : cell)).join('  ');
  return [
    `Migration plan ${plan.digest.slice(0, 12)}: ${plan.type} to version ${plan.toVersion}, policy ${plan.policyDigest.slice(0, 12)}, judged at ${plan.madeAt}`,
    `${s.cases} open case(s): ${s.safe} safe, ${s.toDecide} to decide, ${s.unchanged} up to date; ${s.deadlinesMoved} deadline(s) move, ${s.becomeLate} become late, ${s.stopBeingLate} would stop being late`,
    '',
    line(header),
    ...rows.map(line),
  ].join('\n');
}

const csvCell = (value: string | number | boolean | null | undefined): string => {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The plan as CSV: one row per case and running deadline (a case without one has one row). */
export function planCsv(plan: MigrationPlan): string {
  const header = ['caseId', 'unit', 'fromVersion', 'toVersion', 'fromState', 'toState', 'action', 'safe', 'deadlineId', 'deadlineKind', 'change', 'dueAt', 'newDueAt', 'moveMs', 'move', 'becomesLate', 'stopsBeingLate', 'decide'];
  const rows = plan.cases.flatMap((c) => {
    const base = [c.caseId, c.unit, c.fromVersion, c.toVersion, c.fromState, c.toState, c.action, c.safe];
    const decide = c.decide.join(' | ');
    if (!c.deadlines.length) return [[...base, '', '', '', '', '', '', '', '', '', decide]];
    return c.deadlines.map((d) => [...base, d.deadlineId, d.kind, d.change, d.dueAt, d.newDueAt, d.moveMs, d.move, d.becomesLate, d.stopsBeingLate, decide]);
  });
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n');
}

function printApply(result: MigrationApplyResult): string {
  return [
    `plan ${result.planDigest.slice(0, 12)}: ${result.applied.length} case(s) moved, ${result.skipped.length} left as they are`,
    ...result.applied.map((a) => `  - ${a.caseId}: ${a.event} v${a.fromVersion}→v${a.toVersion} ${a.fromState}${a.toState !== a.fromState ? ` → ${a.toState}` : ''}, ${a.deadlinesChanged} deadline(s) re-planned`),
    ...result.skipped.map((s) => `  - ${s.caseId}: left (${s.why})`),
  ].join('\n');
}

/** Adds `migrate plan` and `migrate apply` to the CLI. */
export function registerMigrateCommands<C extends Caseflow>(program: Command, { withCaseflow, out }: CliContext<C>): void {
  const migrate = program
    .command('migrate')
    .description('trial-run and apply a new machine version or office policy (the global --policy FILE) on every open case of a type');
  const collect = (value: string, previous: string[]) => [...previous, value];
  migrate
    .command('plan')
    .description('replay every open case of a type under the new version and policy, writing nothing: what moves, what is refused, what a person must decide')
    .option('--type <type>', 'the case type: clue | selfRecommendation | rectification')
    .option('--to-version <n>', 'the machine version to move to (the current one for a policy change alone)')
    .option('--map <old=new>', 'where cases in a state that no longer exists go (repeatable)', collect, [])
    .option('--format <format>', `table | json | csv (default: table, or json with --json)`)
    .option('--out <file>', 'write the plan there (JSON: give it to migrate apply --plan) instead of printing it')
    .addOption(refusedAsOption())
    .action((opts: TargetOptions & { format?: string; out?: string; as?: string }) =>
      withCaseflow(async (cf) => {
        refuseAs('migrate plan', opts);
        const format = (opts.format ?? (program.opts<{ json?: boolean }>().json ? 'json' : 'table')) as Format;
        if (!FORMATS.includes(format)) throw new InvalidPayloadError('migration', [{ path: '--format', message: `the format is one of: ${FORMATS.join(', ')}` }]);
        const plan = await cf.engine.migrations.plan(target(opts), operatorActor());
        const text = format === 'json' ? JSON.stringify(plan, null, 2) : format === 'csv' ? planCsv(plan) : planTable(plan);
        if (opts.out) {
          fs.writeFileSync(opts.out, `${text}\n`);
          process.stdout.write(`plan ${plan.digest.slice(0, 12)} written to ${opts.out}: ${plan.summary.safe} safe, ${plan.summary.toDecide} to decide\n`);
        } else process.stdout.write(`${text}\n`);
      }),
    );
  migrate
    .command('apply')
    .description('move the safe cases (or those listed) to the new version and policy, one audited entry each; refused if a case changed since the plan')
    .option('--type <type>', 'the case type (or --plan)')
    .option('--to-version <n>', 'the machine version to move to (or --plan)')
    .option('--map <old=new>', 'where cases in a state that no longer exists go (repeatable)', collect, [])
    .option('--plan <file>', 'a plan written by migrate plan --format json --out FILE: applied as it was reviewed')
    .option('--cases <ids>', 'only these cases, comma-separated (a listed case whose only question is lateness is applied)')
    .addOption(refusedAsOption())
    .action((opts: TargetOptions & { plan?: string; cases?: string; as?: string }) =>
      withCaseflow(async (cf) => {
        refuseAs('migrate apply', opts);
        const cases = opts.cases ? opts.cases.split(',').map((id) => id.trim()).filter(Boolean) : undefined;
        const request = opts.plan ? { plan: readPlanFile(opts.plan) } : target(opts);
        const result = await cf.engine.migrations.apply({ ...request, ...(cases ? { cases } : {}) }, operatorActor());
        out(result, () => printApply(result));
      }),
    );
}
