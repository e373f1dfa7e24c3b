/**
 * The filters that only decide (keyword, regex, media type): keep the message
 * or drop it, never change it. Text is compared in Unicode NFC, so an "é"
 * typed as one code point matches one sent as "e" plus a combining accent.
 */
import type { NeutralMessage } from '../message/neutral-message.ts';
import type { KeywordFilter, MediaTypeFilter, MediaType, RegexFilter } from './filter-schema.ts';
import { budgetedTest } from './regex-budget.ts';

export type DropReason =
  /** An include keyword filter found none of its words. */
  | 'keyword_not_matched'
  /** An exclude keyword filter found one of its words. */
  | 'keyword_matched'
  /** An include regex filter did not match. */
  | 'regex_not_matched'
  /** An exclude regex filter matched. */
  | 'regex_matched'
  /** The message carries a kind the media_type filter does not allow. */
  | 'media_type_not_allowed'
  /** A regex ran out of its time budget; the message is dropped rather than let through unfiltered. */
  | 'regex_time_budget_exceeded'
  /** An editing filter left neither text nor attachments, and an empty message cannot be sent. */
  | 'empty_after_filter';

export type Decision = { keep: true } | { keep: false; reason: DropReason };

const KEEP: Decision = { keep: true };

// Letters, digits, combining marks and `_`: what `\w` would be if it knew Unicode.
const WORD_CHAR = String.raw`[\p{L}\p{N}\p{M}_]`;

function escapeRegex(text: string): string {
  // Only syntax characters: under the `u` flag escaping anything else is an error.
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

// Filters are parsed once per pair and reused for every message, so compile once per filter object.
const keywordRegexes = new WeakMap<KeywordFilter, RegExp>();

/** One regex matching any word of `filter`, honouring `matchCase` and `wholeWord`. */
export function keywordRegex(filter: KeywordFilter): RegExp {
  let re = keywordRegexes.get(filter);
  if (re === undefined) {
    const words = filter.words.map((w) => w.normalize('NFC'));
    const any = `(?:${words.map(escapeRegex).join('|')})`;
    const source = filter.wholeWord === true ? `(?<!${WORD_CHAR})${any}(?!${WORD_CHAR})` : any;
    re = new RegExp(source, filter.matchCase === true ? 'u' : 'iu');
    keywordRegexes.set(filter, re);
  }
  return re;
}

export function decideKeyword(message: NeutralMessage, filter: KeywordFilter): Decision {
  const found = keywordRegex(filter).test(message.text.text.normalize('NFC'));
  if (filter.mode === 'include') return found ? KEEP : { keep: false, reason: 'keyword_not_matched' };
  return found ? { keep: false, reason: 'keyword_matched' } : KEEP;
}

export function decideRegex(message: NeutralMessage, filter: RegexFilter): Decision {
  const found = budgetedTest(filter.pattern, filter.flags ?? '', message.text.text.normalize('NFC'));
  if (found === 'timeout') return { keep: false, reason: 'regex_time_budget_exceeded' };
  if (filter.mode === 'include') return found ? KEEP : { keep: false, reason: 'regex_not_matched' };
  return found ? { keep: false, reason: 'regex_matched' } : KEEP;
}

/** The kinds a message carries: its attachments' kinds, or `text` when it has none. */
export function mediaTypesOf(message: NeutralMessage): MediaType[] {
  return message.attachments.length === 0 ? ['text'] : [...new Set(message.attachments.map((a) => a.kind))];
}

export function decideMediaType(message: NeutralMessage, filter: MediaTypeFilter): Decision {
  const allowed = mediaTypesOf(message).every((kind) => filter.allow.includes(kind));
  return allowed ? KEEP : { keep: false, reason: 'media_type_not_allowed' };
}
