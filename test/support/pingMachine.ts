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

const machine = setup({
  types: { context: {} as { unit: string; caseId: string }, events: {} as EventsOf<typeof events>, input: {} as CaseInput<z.infer<typeof input>> },
}).createMachine({
  id: 'ping',
  context: ({ input: i }) => ({ unit: i.unit, caseId: i.caseId }),
  initial: 'waiting',
  states: {
    // PING re-assigns what is already there: an accepted event whose snapshot is the same as before.
    waiting: { on: { PING: { actions: assign({ unit: ({ context }) => context.unit }) }, MOVE: 'moved' } },
    moved: { meta: { description: 'moved', deadlines: [] } },
  },
});

/** A case definition over the ping machine, registered under the rectification type name. */
export function pingDefinition(): CaseDefinition {
  return {
    type: 'rectification',
    machineVersion: 1,
    title: 'ping',
    machine,
    events,
    input,
    createRoles: ['supervisor'],
    guardRules: {},
    index: (context: unknown) => ({ unit: (context as { unit: string }).unit, assignee: null, subjectId: null, timeZone: 'Asia/Shanghai' }),
  };
}
