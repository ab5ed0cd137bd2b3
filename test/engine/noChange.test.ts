/**
 * What counts as a change: an event is refused with NO_CHANGE only when the snapshot it leaves is the
 * one before it. An event that keeps the state but changes the context is a change, on the write path
 * and when `migrate plan` replays it; one that moves the state is a change whatever the context.
 */
import { assign, setup } from 'xstate';
import { z } from 'zod';
import type { CaseDefinition, CaseInput, EventsOf } from '../../machines/types';
import { engineFixture, supervisor, type EngineFixture } from '../support/engine';

const admin = { id: 'root.admin', role: 'admin' } as const;
const events = {
  PING: { summary: 'changes nothing', roles: ['supervisor'], payload: z.strictObject({}) },
  NOTE: { summary: 'notes a line, staying where it is', roles: ['supervisor'], payload: z.strictObject({ line: z.string() }) },
  MOVE: { summary: 'moves on, keeping the context', roles: ['supervisor'], payload: z.strictObject({}) },
} as const;
const input = z.strictObject({ unit: z.string() });

const machine = setup({
  types: { context: {} as { unit: string; caseId: string; notes: string[] }, events: {} as EventsOf<typeof events>, input: {} as CaseInput<z.infer<typeof input>> },
}).createMachine({
  id: 'notes',
  context: ({ input: i }) => ({ unit: i.unit, caseId: i.caseId, notes: [] }),
  initial: 'open',
  states: {
    open: {
      on: {
        PING: { actions: assign({ notes: ({ context }) => context.notes }) },
        NOTE: { actions: assign({ notes: ({ context, event }) => [...context.notes, event.line] }) },
        MOVE: 'moved',
      },
    },
    moved: { on: { PING: { actions: assign({ notes: ({ context }) => [...context.notes] }) } } },
  },
});

const definition: CaseDefinition = {
  type: 'rectification',
  machineVersion: 1,
  title: 'notes',
  machine,
  events,
  input,
  createRoles: ['supervisor'],
  guardRules: {},
  index: (context: unknown) => ({ unit: (context as { unit: string }).unit, assignee: null, subjectId: null, timeZone: 'Asia/Shanghai' }),
};

describe('what counts as a change', () => {
  let fx: EngineFixture;
  afterEach(() => fx.cleanup());

  it('accepts an event that changes only the context, refuses one that changes nothing, and replays the log without refusals', async () => {
    fx = await engineFixture({ definitions: [definition] });
    const { id } = await fx.engine.createCase({ type: 'rectification', input: { unit: 'Notes Office' }, actor: supervisor });
    const noted = await fx.engine.applyEvent(id, { type: 'NOTE', line: 'first' }, supervisor);
    expect(noted.case).toMatchObject({ state: 'open', version: 2, context: { notes: ['first'] } });
    await expect(fx.engine.applyEvent(id, { type: 'PING' }, supervisor)).rejects.toMatchObject({ code: 'NO_CHANGE' });
    expect((await fx.engine.applyEvent(id, { type: 'NOTE', line: 'first' }, supervisor)).case).toMatchObject({ state: 'open', version: 3, context: { notes: ['first', 'first'] } });
    expect((await fx.engine.applyEvent(id, { type: 'MOVE' }, supervisor)).case).toMatchObject({ state: 'moved', version: 4 });
    await expect(fx.engine.applyEvent(id, { type: 'PING' }, supervisor)).rejects.toMatchObject({ code: 'NO_CHANGE' });

    const plan = await fx.engine.migrations.plan({ type: 'rectification', toVersion: 1 }, admin);
    expect(plan.cases).toEqual([expect.objectContaining({ caseId: id, fromState: 'moved', toState: 'moved', sameState: true, refusals: [], action: 'none' })]);
  });
});
