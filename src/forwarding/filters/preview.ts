/**
 * The dry run behind the API's filter preview: the same engine as
 * `applyFilters`, plus a trace of what each filter did. The result is plain
 * JSON, returned by the endpoint as is.
 */
import type { NeutralMessage } from '../message/neutral-message.ts';
import { runFilters, runningOrder, type FilterContext, type FilterOutcome, type FilterStep } from './apply-filters.ts';
import type { PairFilter } from './filter-schema.ts';

/** A filter the run never got to because an earlier one dropped the message. */
export interface UnreachedStep {
  index: number;
  kind: PairFilter['kind'];
  result: 'not_reached';
}

export type PreviewStep = FilterStep | UnreachedStep;

export interface PairPreview {
  /** Exactly what `applyFilters` returns for the same input. */
  outcome: FilterOutcome;
  /** Every filter of the pair in running order, with its text before and after. */
  steps: PreviewStep[];
}

/** Runs `filters` over `message` as forwarding would, recording each step. */
export function previewPair(message: NeutralMessage, filters: readonly PairFilter[], context: FilterContext): PairPreview {
  const steps: PreviewStep[] = [];
  const outcome = runFilters(message, filters, context, (step) => steps.push(step));
  for (const { index, filter } of runningOrder(filters).slice(steps.length)) {
    steps.push({ index, kind: filter.kind, result: 'not_reached' });
  }
  return { outcome, steps };
}
