/**
 * The gate every filter list passes before it is stored on a pair: plan first
 * (there is no point fixing a filter the plan refuses anyway), then shape,
 * then the regexes, which must compile and must not have the nested shape
 * that backtracks catastrophically.
 */
import type { PlanFeatures } from '../../domain/plans/plan-types.ts';
import { BASIC_FILTERS } from '../../domain/plans/plan-types.ts';
import { FeatureNotInPlanError, FilterInvalidError, FilterRegexInvalidError } from '../../errors/registry.ts';
import { FILTER_KINDS, MAX_FILTERS_PER_PAIR, pairFilterSchema, type PairFilter } from './filter-schema.ts';
import { locateRegexError } from './regex-error-position.ts';
import { findNestedQuantifier } from './regex-safety.ts';

function filterList(raw: unknown): unknown[] {
  if (!Array.isArray(raw)) throw new FilterInvalidError({ index: null, field: '', problem: 'filters must be an array' });
  if (raw.length > MAX_FILTERS_PER_PAIR) {
    throw new FilterInvalidError({ index: null, field: '', problem: `a pair may have at most ${MAX_FILTERS_PER_PAIR} filters; got ${raw.length}` });
  }
  return raw;
}

function kindOf(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const kind = (raw as { kind?: unknown }).kind;
  return typeof kind === 'string' ? kind : undefined;
}

function parseOne(raw: unknown, index: number): PairFilter {
  const result = pairFilterSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new FilterInvalidError({ index, field: '', problem: 'invalid filter' });
  const path = issue.path.map(String);
  // zod reports unknown keys on the object itself; naming the key is more useful.
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  throw new FilterInvalidError({ index, field: path.join('.'), problem: issue.message });
}

/** The regex a filter carries, if any, with the field it sits in. */
function regexOf(filter: PairFilter): { field: string; pattern: string; flags: string } | null {
  if (filter.kind === 'regex') return { field: 'pattern', pattern: filter.pattern, flags: filter.flags ?? '' };
  if (filter.kind === 'replace' && filter.regex === true) return { field: 'find', pattern: filter.find, flags: filter.flags ?? '' };
  return null;
}

function checkRegex(filter: PairFilter, index: number): void {
  const regex = regexOf(filter);
  if (regex === null) return;
  const syntax = locateRegexError(regex.pattern, regex.flags);
  if (syntax !== null) throw new FilterRegexInvalidError({ index, ...regex, ...syntax, problem: 'syntax' });
  const unsafe = findNestedQuantifier(regex.pattern);
  if (unsafe !== null) throw new FilterRegexInvalidError({ index, ...regex, ...unsafe, problem: 'catastrophic_backtracking' });
}

/**
 * Parses a stored or submitted filter list without asking the plan: shape
 * (`filter_invalid`) and regexes (`filter_regex_invalid`). For lists already
 * accepted by {@link validateFilters}, e.g. when the runtime loads a pair.
 */
export function parseFilters(raw: unknown): PairFilter[] {
  return filterList(raw).map((item, index) => {
    const filter = parseOne(item, index);
    checkRegex(filter, index);
    return filter;
  });
}

/**
 * Checks a filter list a user wants on a pair and returns it parsed. Throws:
 * - `feature_not_in_plan` (feature `advanced_filters`) when any filter is not
 *   a basic (keyword) filter and `features.advancedFilters` is off;
 * - `filter_invalid` for a list that is not an array, has more than
 *   `MAX_FILTERS_PER_PAIR` filters, or a filter breaking its schema (`index`,
 *   dotted `field`, `problem`);
 * - `filter_regex_invalid` for a regex (regex filter `pattern`, regex replace
 *   `find`) that does not compile or nests quantifiers (`position` in it).
 */
export function validateFilters(raw: unknown, features: PlanFeatures, planName: string): PairFilter[] {
  const list = filterList(raw);
  if (!features.advancedFilters) {
    const advanced = list.some((item) => {
      const kind = kindOf(item);
      return FILTER_KINDS.some((k) => k === kind) && !BASIC_FILTERS.some((k) => k === kind);
    });
    if (advanced) throw new FeatureNotInPlanError({ feature: 'advanced_filters', plan: planName });
  }
  return parseFilters(list);
}
