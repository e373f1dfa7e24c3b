/**
 * Runs a pair's filters over one message: forward it (possibly edited) or
 * drop it. Pure apart from the regex time budget: no I/O, no clock (the
 * forwarding time comes in `context.now`), the input message is not touched.
 *
 * Filters run by kind in {@link FILTER_ORDER}, and in list order within a
 * kind. Deciding filters come first, so keywords and regexes judge the text as
 * it was sent and a dropped message costs no edits. Templates come last, after
 * link removal and mention stripping: header and footer are the pair owner's
 * words, and a link the owner put in a footer must survive `remove_links`.
 */
import type { FilterKind } from '../../domain/plans/plan-types.ts';
import type { NeutralMessage, RichText } from '../message/neutral-message.ts';
import { decideKeyword, decideMediaType, decideRegex, type Decision, type DropReason } from './decide-filters.ts';
import { applyReplace, applyTemplate, removeLinks, stripMentions } from './edit-filters.ts';
import type { PairFilter } from './filter-schema.ts';
import type { TemplateContext } from './filter-template.ts';

export type { DropReason } from './decide-filters.ts';

/** The order filter kinds run in, whatever their order in the pair's list. */
export const FILTER_ORDER: readonly FilterKind[] = [
  'keyword',
  'regex',
  'media_type',
  'replace',
  'remove_links',
  'strip_mentions',
  'template',
];

/** What filters may know beyond the message. */
export interface FilterContext extends TemplateContext {
  /** Name of the source chat, for `{chat}`. Default: the chat id. */
  sourceChatName?: string;
  /** ms since epoch of the forwarding, for `{forward_date}`/`{forward_time}`. Default: the message's own time. */
  now?: number;
}

export type FilterOutcome =
  | {
      action: 'forward';
      message: NeutralMessage;
      /** `kind#index` of every filter that changed the message, in the order they ran. */
      applied: string[];
    }
  | {
      action: 'drop';
      reason: DropReason;
      /** Position of the dropping filter in the pair's list. */
      filterIndex: number;
      kind: FilterKind;
    };

/** One filter's run, as the dry-run trace reports it. */
export interface FilterStep {
  /** Position in the pair's list. */
  index: number;
  kind: FilterKind;
  result: 'kept' | 'changed' | 'dropped';
  reason?: DropReason;
  textBefore: string;
  textAfter: string;
}

function decide(message: NeutralMessage, filter: PairFilter): Decision | null {
  switch (filter.kind) {
    case 'keyword':
      return decideKeyword(message, filter);
    case 'regex':
      return decideRegex(message, filter);
    case 'media_type':
      return decideMediaType(message, filter);
    default:
      return null;
  }
}

function edit(message: NeutralMessage, filter: PairFilter, context: FilterContext): NeutralMessage | 'timeout' {
  switch (filter.kind) {
    case 'replace':
      return applyReplace(message, filter);
    case 'remove_links':
      return removeLinks(message);
    case 'strip_mentions':
      return stripMentions(message);
    case 'template':
      return applyTemplate(message, filter, context);
    default:
      return message;
  }
}

function sameText(a: RichText, b: RichText): boolean {
  return a === b || (a.text === b.text && JSON.stringify(a.entities) === JSON.stringify(b.entities));
}

const isEmpty = (message: NeutralMessage) => message.attachments.length === 0 && message.text.text.trim() === '';

/** The filters of `filters` in running order, with their list positions. */
export function runningOrder(filters: readonly PairFilter[]): Array<{ index: number; filter: PairFilter }> {
  const rank = (kind: FilterKind) => FILTER_ORDER.indexOf(kind);
  return filters
    .map((filter, index) => ({ index, filter }))
    .sort((x, y) => rank(x.filter.kind) - rank(y.filter.kind) || x.index - y.index);
}

/** {@link applyFilters}, reporting each filter's run to `onStep` (the dry run's trace). */
export function runFilters(
  message: NeutralMessage,
  filters: readonly PairFilter[],
  context: FilterContext,
  onStep?: (step: FilterStep) => void,
): FilterOutcome {
  let current = message;
  const applied: string[] = [];
  for (const { index, filter } of runningOrder(filters)) {
    const before = current;
    const decision = decide(current, filter);
    let after: NeutralMessage | 'timeout' = current;
    let reason: DropReason | undefined;
    if (decision !== null) {
      if (!decision.keep) reason = decision.reason;
    } else {
      after = edit(current, filter, context);
      if (after === 'timeout') reason = 'regex_time_budget_exceeded';
      else if (isEmpty(after) && !isEmpty(before)) reason = 'empty_after_filter';
    }
    const changed = after !== 'timeout' && !sameText(before.text, after.text);
    onStep?.({
      index,
      kind: filter.kind,
      result: reason !== undefined ? 'dropped' : changed ? 'changed' : 'kept',
      ...(reason === undefined ? {} : { reason }),
      textBefore: before.text.text,
      textAfter: after === 'timeout' ? before.text.text : after.text.text,
    });
    if (reason !== undefined) return { action: 'drop', reason, filterIndex: index, kind: filter.kind };
    if (after !== 'timeout' && changed) {
      current = after;
      applied.push(`${filter.kind}#${index}`);
    }
  }
  return { action: 'forward', message: current, applied };
}

/**
 * Applies a pair's validated filters to `message`. Drops name the filter (its
 * list index and kind) and a {@link DropReason}; forwards carry the edited
 * message and which filters changed it.
 */
export function applyFilters(message: NeutralMessage, filters: readonly PairFilter[], context: FilterContext): FilterOutcome {
  return runFilters(message, filters, context);
}
