/**
 * A tiny case type for engine tests: a `PING` that changes nothing and a `MOVE` that does.
 */
import { assign, setup } from 'xstate';
import { z } from 'zod';
import type { CaseDefinition, CaseInput, EventsOf } from '../../machines/types';

const events = {
  PING: { summary: 'changes nothing', roles: ['supervisor'], payload: z.strictObject({}) },
  MOVE: { summary: 'moves on', roles: ['supervisor'], payload: z.strictObject({}) },
} as const;
const input = z.strictObject({ unit: z.string() });

/** The ping machine; version 2 moves MOVE to a differently named state, as a machine change would. */
const pingMachine = (version: number) =>
  setup({
    types: { context: {} as { unit: string; caseId: string }, events: {} as EventsOf<typeof events>, input: {} as CaseInput<z.infer<typeof input>> },
  }).createMachine({
    id: 'ping',
    context: ({ input: i }) => ({ unit: i.unit, caseId: i.caseId }),
    initial: 'waiting',
    states: {
      // PING re-assigns what is already there: an accepted event whose snapshot is the same as before.
      waiting: { on: { PING: { actions: assign({ unit: ({ context }) => context.unit }) }, MOVE: version === 1 ? 'moved' : 'movedOnV2' } },
      moved: { meta: { description: 'moved', deadlines: [] } },
      movedOnV2: { meta: { description: 'moved on version 2', deadlines: [] } },
    },
  });

/** A case definition over the ping machine, registered under the rectification type name. */
export function pingDefinition(version = 1, previousVersions: readonly CaseDefinition[] = []): CaseDefinition {
  return {
    type: 'rectification',
    machineVersion: version,
    title: 'ping',
    machine: pingMachine(version),
    events,
    input,
    createRoles: ['supervisor'],
    guardRules: {},
    index: (context: unknown) => ({ unit: (context as { unit: string }).unit, assignee: null, subjectId: null, timeZone: 'Asia/Shanghai' }),
    previousVersions,
  };
}
