/**
 * A supervision action: what a unit's cards led to (a formal letter, a talk with the unit head or
 * with the top official), carried out by the supervisors by its own deadline. The engine opens it in
 * the transaction that issued the card (src/engine/consequences.ts); nobody opens one by hand. Its
 * deadline is reminded, marked overdue and escalated on the standard ladder; a supervisor marks it
 * done (`MARK_DONE`), saying what was done.
 */
import { assign, setup } from 'xstate';
import { z } from 'zod';
import { standardLadder } from './deadlines';
import { isoDateTime, text, timeZone } from './payloads';
import type { Actor, CaseDefinition, CaseIndexFields, CaseInput, EventsOf, StateMeta } from './types';

/** A card that triggered the action, as the action case records it. */
const triggeringCard = z.strictObject({
  cardDeadlineId: z.string().min(1),
  caseId: z.string().min(1),
  warning: z.enum(['blue', 'yellow', 'red']),
  step: z.string().min(1),
  issuedAt: isoDateTime('when the card was issued'),
});

export const supervisionActionInput = z.strictObject({
  unit: text('the unit'),
  consequence: z.enum(['formalLetter', 'unitHeadTalk', 'topOfficialTalk']),
  action: text('what is to be done'),
  basis: text('the rule the action follows'),
  dueAt: isoDateTime('when the action is due'),
  pointsOff: z.number().int().min(0).default(0),
  period: text('the reporting period'),
  cards: z.array(triggeringCard).min(1),
  timeZone,
});
export type SupervisionActionInput = z.infer<typeof supervisionActionInput>;

export const supervisionActionEvents = {
  MARK_DONE: {
    summary: 'Mark the supervision action done (the letter sent, the talk held)',
    roles: ['supervisor'],
    payload: z.strictObject({ note: text('what was done') }),
  },
} as const;

export type SupervisionActionEvent = EventsOf<typeof supervisionActionEvents>;

export interface SupervisionActionContext extends Omit<SupervisionActionInput, 'cards'> {
  caseId: string;
  cards: z.infer<typeof triggeringCard>[];
  openedBy: Actor;
  done: { note: string; by: string; at: string } | null;
}

const due: StateMeta = {
  description: 'The supervisors carry out the action by its deadline',
  deadlines: [
    {
      kind: 'supervisionActionDue',
      basis: 'A card consequence is carried out by the moment the office policy sets (cardConsequences.*.due)',
      limit: { kind: 'until', contextField: 'dueAt' },
      // the supervisors carry the action out: a late one counts against the office, never the unit
      owner: 'office',
      ladder: standardLadder({ grace: { kind: 'afterDueWorkingDays', days: 1 }, escalateTo: ['disciplineCommission'] }),
    },
  ],
};

const machine = setup({
  types: {
    context: {} as SupervisionActionContext,
    events: {} as SupervisionActionEvent,
    input: {} as CaseInput<SupervisionActionInput>,
  },
  actions: {
    recordDone: assign({ done: ({ event }) => ({ note: event.note, by: event.actor.id, at: event.at }) }),
  },
}).createMachine({
  id: 'supervisionAction',
  context: ({ input }) => ({
    caseId: input.caseId,
    unit: input.unit,
    consequence: input.consequence,
    action: input.action,
    basis: input.basis,
    dueAt: input.dueAt,
    pointsOff: input.pointsOff,
    period: input.period,
    cards: [...input.cards],
    timeZone: input.timeZone,
    openedBy: input.openedBy,
    done: null,
  }),
  initial: 'due',
  states: {
    due: { meta: due, on: { MARK_DONE: { target: 'done', actions: 'recordDone' } } },
    done: { type: 'final', meta: { description: 'The supervision action was carried out' } satisfies StateMeta },
  },
});

/** The supervision action case type, as the engine runs it. */
export const supervisionAction: CaseDefinition<typeof machine, typeof supervisionActionEvents, typeof supervisionActionInput> = {
  type: 'supervisionAction',
  machineVersion: 1,
  title: 'Supervision action after warning cards',
  machine,
  events: supervisionActionEvents,
  input: supervisionActionInput,
  // opened by the engine when a card triggers it, never by hand
  createRoles: [],
  guardRules: {},
  // the action is the supervisors' own work: its deadline's cards count against no unit
  index: (context: unknown): CaseIndexFields => {
    const c = context as SupervisionActionContext;
    return { unit: null, assignee: null, subjectId: null, timeZone: c.timeZone };
  },
};
