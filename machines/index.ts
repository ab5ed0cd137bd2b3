/**
 * The case types caseflow runs, one machine each.
 */
import { adjustmentReview } from './adjustmentReview';
import { clue } from './clue';
import { rectification } from './rectification';
import { selfRecommendation } from './selfRecommendation';
import { supervisionAction } from './supervisionAction';
import type { CaseDefinition } from './types';

export { adjustmentReview, clue, rectification, selfRecommendation, supervisionAction };
export * from './types';

/** Every built-in case type, in the order the CLI lists them. */
export const caseDefinitions: readonly CaseDefinition[] = [clue, selfRecommendation, rectification, supervisionAction, adjustmentReview];
