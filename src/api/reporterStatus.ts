/**
 * What a reporter may see of a clue: the `reporterStatus` its state declares in meta (nearest
 * ancestor first), else a coarse stage. Never the internal state, notes or anything else.
 */
import type { CaseDefinition, StateMeta } from '../../machines/types';

export type ReporterStage = 'received' | 'inProgress' | 'concluded';

export interface ReporterStatus {
  status: string;
  stage: ReporterStage;
}

const FALLBACK: Readonly<Record<ReporterStage, string>> = {
  received: 'Received: your clue is waiting to be registered',
  inProgress: 'In progress: your clue is being handled',
  concluded: 'Concluded: handling of your clue is complete',
};

/** The reporter-facing status of a case of `definition` in `state` (a dotted state path). */
export function reporterStatusOf(definition: CaseDefinition, state: string, closed: boolean): ReporterStatus {
  const segments = state.split('.');
  const stage: ReporterStage = closed ? 'concluded' : segments.length === 1 && state === definition.machine.config.initial ? 'received' : 'inProgress';
  for (let depth = segments.length; depth > 0; depth--) {
    const id = `${definition.machine.id}.${segments.slice(0, depth).join('.')}`;
    let meta: StateMeta | undefined;
    try {
      meta = definition.machine.getStateNodeById(id).meta as StateMeta | undefined;
    } catch {
      meta = undefined; // a state no longer in the machine: fall back below
    }
    if (meta?.reporterStatus) return { status: meta.reporterStatus, stage };
  }
  return { status: FALLBACK[stage], stage };
}
