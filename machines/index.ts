/**
 * The case types caseflow runs, one machine each.
 */
import { clue } from './clue';
import { rectification } from './rectification';
import { selfRecommendation } from './selfRecommendation';
import type { CaseDefinition } from './types';

export { clue, rectification, selfRecommendation };
export * from './types';

/** Every built-in case type, in the order the CLI lists them. */
export const caseDefinitions: readonly CaseDefinition[] = [clue, selfRecommendation, rectification];
