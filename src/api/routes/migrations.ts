/**
 * Admins' migration routes: plan (every open case of a type replayed under a new machine version or
 * office policy, nothing written) and apply (the safe cases, or those listed, moved as planned;
 * 409 MIGRATION_PLAN_STALE when a case changed since the plan). Thin wrappers over the engine's
 * migration commands, which check the role again.
 */
import { actorOf } from '../../auth/accounts';
import type { MigrationRequest } from '../../engine/migration/commands';
import type { MigrationPlan } from '../../engine/migration/plan';
import { migrationApplyResultSchema, migrationApplySchema, migrationPlanSchema, migrationRequestSchema } from '../../engine/migration/schema';
import { ACCOUNT_ADMINS } from '../../engine/policy';
import type { Api } from '../context';
import { requireUser } from '../routing';

/** A plan can be large: a case a line of JSON, and a few deadlines each. */
const PLAN_BODY_LIMIT = 32 * 1024 * 1024;

/** Registers POST /admin/migrations/plan and /admin/migrations/apply. */
export function registerMigrationRoutes(api: Api): void {
  const migrations = api.engine.migrations;
  const request = (body: { type?: string; toVersion?: number; policy?: unknown; map?: Record<string, string> }): Partial<MigrationRequest> => ({
    ...(body.type !== undefined ? { type: body.type } : {}),
    ...(body.toVersion !== undefined ? { toVersion: body.toVersion } : {}),
    ...(body.policy !== undefined ? { policy: migrations.policyFrom(body.policy) } : {}),
    ...(body.map ? { map: body.map } : {}),
  });

  api.route(
    {
      method: 'POST',
      url: '/admin/migrations/plan',
      tag: 'admin',
      summary: 'Plan a migration of every open case of a type to a machine version and/or office policy (admins)',
      description:
        'Replays each open case’s log under the new machine and policy, writing nothing. Per case: the state it lands in, the logged events the new machine would refuse ' +
        '(in the API’s words), each deadline whose due moment moves and by how much, which become late or stop being late, and whether it is safe or what a person must decide. ' +
        '`policy` is a policy file’s JSON (400 INVALID_POLICY names the field); without it the running policy. `map` answers for states that no longer exist. ' +
        'The plan’s digest covers every case’s log head: give the plan to /admin/migrations/apply as it is.',
      access: ACCOUNT_ADMINS,
      body: migrationRequestSchema,
      errors: [500],
      response: { description: 'The plan', schema: migrationPlanSchema },
    },
    ({ body, user }) => migrations.plan(request(body) as MigrationRequest, actorOf(requireUser(user))),
  );

  api.route(
    {
      method: 'POST',
      url: '/admin/migrations/apply',
      tag: 'admin',
      summary: 'Apply a migration: move the safe cases (or those listed), one audited entry each (admins)',
      description:
        'With `plan` (as /admin/migrations/plan answered it), the plan is applied as reviewed; otherwise `type` and `toVersion` (and `policy`, `map`) are planned afresh. ' +
        'Each case moved gets one MACHINE_MIGRATED entry (`from`, `to`, `planDigest`), or POLICY_CHANGED for a policy change alone, and its deadlines re-planned and re-scheduled. ' +
        'A plan made before a case’s log moved on is refused whole (409 MIGRATION_PLAN_STALE); a case already moved is left alone, so applying twice changes nothing.',
      access: ACCOUNT_ADMINS,
      body: migrationApplySchema,
      bodyLimit: PLAN_BODY_LIMIT,
      errors: [409],
      response: { description: 'The cases moved and those left, with why', schema: migrationApplyResultSchema },
    },
    ({ body, user }) =>
      migrations.apply(
        { ...request(body), ...(body.plan ? { plan: body.plan as MigrationPlan } : {}), ...(body.cases ? { cases: body.cases } : {}) },
        actorOf(requireUser(user)),
      ),
  );
}
