/**
 * The stored shape of every filter kind a pair can carry, as zod schemas. The
 * API validates writes with them (through `validateFilters`) and the runtime
 * re-reads `forwarding_pairs.filters` with them, so one definition governs
 * both. Objects are strict: a misspelled field is an error, not a silent no-op.
 */
import { z } from 'zod';
import type { AttachmentKind } from '../message/neutral-message.ts';
import type { FilterKind } from '../../domain/plans/plan-types.ts';
import { parseTemplate } from './filter-template.ts';

/** Most filters one pair may carry. */
export const MAX_FILTERS_PER_PAIR = 20;
/** Most words in one keyword filter. */
export const MAX_KEYWORDS = 100;
/** Longest keyword, in UTF-16 code units. */
export const MAX_KEYWORD_LENGTH = 100;
/** Longest regex pattern (regex filters and regex replaces), in UTF-16 code units. */
export const MAX_PATTERN_LENGTH = 500;
/** Longest `find` of a plain replace, and longest `replacement` of any replace. */
export const MAX_REPLACE_LENGTH = 1_000;
/** Longest header, footer or caption template. */
export const MAX_TEMPLATE_LENGTH = 1_000;

/** Regex flags a filter may set. `g`/`y` are ours to choose; `d` and `v` buy nothing here. */
export const ALLOWED_REGEX_FLAGS = 'imsu';

export const ATTACHMENT_KINDS = ['photo', 'video', 'audio', 'voice', 'document', 'sticker', 'animation'] as const satisfies readonly AttachmentKind[];

/** What a media_type filter can allow: `text` (a message with no attachment) or an attachment kind. */
export const MEDIA_TYPES = ['text', ...ATTACHMENT_KINDS] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

const mode = z.enum(['include', 'exclude']);

const nonBlank = (max: number) =>
  z.string().min(1).max(max).refine((s) => s.trim().length > 0, 'must not be blank');

const regexFlags = z
  .string()
  .max(ALLOWED_REGEX_FLAGS.length)
  .refine((f) => [...f].every((c) => ALLOWED_REGEX_FLAGS.includes(c)), `flags may only use "${ALLOWED_REGEX_FLAGS}"`)
  .refine((f) => new Set(f).size === f.length, 'flags must not repeat');

/**
 * Keeps (`include`) or drops (`exclude`) messages whose text contains any of
 * `words`. Several include filters must all match.
 */
export const keywordFilterSchema = z.strictObject({
  kind: z.literal('keyword'),
  mode,
  words: z.array(nonBlank(MAX_KEYWORD_LENGTH)).min(1).max(MAX_KEYWORDS),
  /** Compare case as written. Default false. */
  matchCase: z.boolean().optional(),
  /** Match only whole words (letters, digits, marks and `_` are word characters). Default false. */
  wholeWord: z.boolean().optional(),
});

/** Keeps (`include`) or drops (`exclude`) messages whose text matches `pattern`. */
export const regexFilterSchema = z.strictObject({
  kind: z.literal('regex'),
  mode,
  pattern: z.string().min(1).max(MAX_PATTERN_LENGTH),
  /** Subset of `imsu`. Default none. */
  flags: regexFlags.optional(),
});

/**
 * Forwards a message only when every kind it carries is allowed: each
 * attachment's kind, or `text` for a message without attachments. A caption
 * does not make a media message `text`.
 */
export const mediaTypeFilterSchema = z.strictObject({
  kind: z.literal('media_type'),
  allow: z.array(z.enum(MEDIA_TYPES)).min(1).max(MEDIA_TYPES.length),
});

/**
 * Replaces every occurrence of `find`. Plain (default) finds literal,
 * case-sensitive text and inserts `replacement` as is; with `regex: true`,
 * `find` is a pattern and `replacement` may use `$1`, `$<name>`, `$&`, `$$`.
 * Unlike keyword and regex filters, replace sees the text as sent (not NFC):
 * it edits offsets, and normalizing would move them.
 */
export const replaceFilterSchema = z
  .strictObject({
    kind: z.literal('replace'),
    find: z.string().min(1).max(MAX_REPLACE_LENGTH),
    replacement: z.string().max(MAX_REPLACE_LENGTH),
    /** Treat `find` as a regex. Default false. */
    regex: z.boolean().optional(),
    /** Subset of `imsu`; only with `regex: true`. Default none. */
    flags: regexFlags.optional(),
  })
  .superRefine((f, ctx) => {
    if (f.regex === true && f.find.length > MAX_PATTERN_LENGTH) {
      ctx.addIssue({ code: 'custom', path: ['find'], message: `a pattern may have at most ${MAX_PATTERN_LENGTH} characters` });
    }
    if (f.regex !== true && f.flags !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['flags'], message: 'flags need regex: true' });
    }
  });

/** A template string whose placeholders all exist; the parser's complaint becomes the issue. */
const template = (allowText: boolean) =>
  z
    .string()
    .min(1)
    .max(MAX_TEMPLATE_LENGTH)
    .superRefine((t, ctx) => {
      const parsed = parseTemplate(t, allowText);
      if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
    });

/**
 * Adds a `header` line before and a `footer` line after the text of every
 * message; `caption` replaces the text of messages with attachments (before
 * header and footer apply). Placeholders: `TEMPLATE_PLACEHOLDERS` of
 * `filter-template.ts`.
 */
export const templateFilterSchema = z
  .strictObject({
    kind: z.literal('template'),
    header: template(false).optional(),
    footer: template(false).optional(),
    caption: template(true).optional(),
  })
  .refine((f) => f.header !== undefined || f.footer !== undefined || f.caption !== undefined, {
    message: 'a template needs a header, a footer or a caption',
  });

/** Removes bare URLs and turns link entities into plain text. */
export const removeLinksFilterSchema = z.strictObject({ kind: z.literal('remove_links') });

/** Removes mention entities and bare `@name` mentions (including `@everyone`/`@here`). */
export const stripMentionsFilterSchema = z.strictObject({ kind: z.literal('strip_mentions') });

export const pairFilterSchema = z.discriminatedUnion('kind', [
  keywordFilterSchema,
  regexFilterSchema,
  mediaTypeFilterSchema,
  replaceFilterSchema,
  templateFilterSchema,
  removeLinksFilterSchema,
  stripMentionsFilterSchema,
]);

export type KeywordFilter = z.infer<typeof keywordFilterSchema>;
export type RegexFilter = z.infer<typeof regexFilterSchema>;
export type MediaTypeFilter = z.infer<typeof mediaTypeFilterSchema>;
export type ReplaceFilter = z.infer<typeof replaceFilterSchema>;
export type TemplateFilter = z.infer<typeof templateFilterSchema>;
export type RemoveLinksFilter = z.infer<typeof removeLinksFilterSchema>;
export type StripMentionsFilter = z.infer<typeof stripMentionsFilterSchema>;
/** One validated filter of a pair. */
export type PairFilter = z.infer<typeof pairFilterSchema>;

/** Every filter kind, as a value (validation asks it whether an unparsed `kind` is real). */
export const FILTER_KINDS = [
  'keyword',
  'regex',
  'media_type',
  'replace',
  'template',
  'remove_links',
  'strip_mentions',
] as const satisfies readonly FilterKind[];

// Compile-time: the union's kinds are exactly the plan's FilterKind.
type KindsAgree = [PairFilter['kind']] extends [FilterKind] ? ([FilterKind] extends [PairFilter['kind']] ? true : never) : never;
const _kindsAgree: KindsAgree = true;
