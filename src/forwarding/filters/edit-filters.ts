/**
 * The filters that change a message's text (replace, link removal, mention
 * stripping, templates). Each returns a new message, or `'timeout'` when a
 * regex ran out of budget; entities follow the text through `replaceRanges`.
 */
import type { NeutralMessage, RichText } from '../message/neutral-message.ts';
import type { ReplaceFilter, TemplateFilter } from './filter-schema.ts';
import { parseTemplate, renderTemplate, templateValues, type TemplateContext, type TemplatePart } from './filter-template.ts';
import { budgetedMatches, type RegexMatch } from './regex-budget.ts';
import { mentionSpans, removalRanges, urlSpans } from './removal-ranges.ts';
import { dropEntities, replaceRanges, type TextRange } from './rich-text-edit.ts';

const withText = (message: NeutralMessage, text: RichText): NeutralMessage => (text === message.text ? message : { ...message, text });

/**
 * `replacement` with JavaScript's `$` patterns filled from `match`, as
 * `String.prototype.replace` would: `$$`, `$&`, `` $` ``, `$'`, `$1`-`$99`,
 * `$<name>`. A reference to a group that does not exist stays literal.
 */
export function expandReplacement(replacement: string, match: RegexMatch, input: string): string {
  const matched = match.captures[0] ?? '';
  const groupCount = match.captures.length - 1;
  const group = (n: number) => match.captures[n] ?? '';
  return replacement.replace(/\$(?:([$&`'])|(\d\d?)|<([^>]*)>)/g, (whole, symbol?: string, digits?: string, name?: string) => {
    if (symbol === '$') return '$';
    if (symbol === '&') return matched;
    if (symbol === '`') return input.slice(0, match.index);
    if (symbol === "'") return input.slice(match.index + matched.length);
    if (digits !== undefined) {
      const two = Number(digits);
      if (digits.length === 2 && two >= 1 && two <= groupCount) return group(two);
      const one = Number(digits[0]);
      if (one >= 1 && one <= groupCount) return group(one) + digits.slice(1);
      return whole;
    }
    if (name !== undefined && match.groups !== undefined) return match.groups[name] ?? '';
    return whole;
  });
}

function plainRanges(text: string, find: string, replacement: string): TextRange[] {
  const ranges: TextRange[] = [];
  for (let at = text.indexOf(find); at !== -1; at = text.indexOf(find, at + find.length)) {
    ranges.push({ start: at, end: at + find.length, replacement });
  }
  return ranges;
}

export function applyReplace(message: NeutralMessage, filter: ReplaceFilter): NeutralMessage | 'timeout' {
  const { text } = message.text;
  if (filter.regex !== true) return withText(message, replaceRanges(message.text, plainRanges(text, filter.find, filter.replacement)));
  const matches = budgetedMatches(filter.find, filter.flags ?? '', text);
  if (matches === 'timeout') return matches;
  const ranges = matches.map((m) => ({
    start: m.index,
    end: m.index + (m.captures[0] ?? '').length,
    replacement: expandReplacement(filter.replacement, m, text),
  }));
  return withText(message, replaceRanges(message.text, ranges));
}

export function removeLinks(message: NeutralMessage): NeutralMessage {
  const unlinked = dropEntities(message.text, (e) => e.type === 'link');
  return withText(message, replaceRanges(unlinked, removalRanges(unlinked.text, urlSpans(unlinked.text))));
}

export function stripMentions(message: NeutralMessage): NeutralMessage {
  const rt = message.text;
  return withText(message, replaceRanges(rt, removalRanges(rt.text, mentionSpans(rt))));
}

// Templates were checked when the filter was saved; parsing again per message is cheap but pointless.
const parsedTemplates = new Map<string, TemplatePart[]>();

function templateParts(template: string, allowText: boolean): TemplatePart[] {
  const key = `${allowText ? 'c' : 'h'}:${template}`;
  let parts = parsedTemplates.get(key);
  if (parts === undefined) {
    const parsed = parseTemplate(template, allowText);
    // An unchecked template (never through validateFilters) renders literally rather than failing the forward.
    parts = 'parts' in parsed ? parsed.parts : [{ literal: template }];
    if (parsedTemplates.size >= 1_000) parsedTemplates.clear();
    parsedTemplates.set(key, parts);
  }
  return parts;
}

/**
 * Caption first (messages with attachments only: the template replaces the
 * caption, `{text}` keeping the original with its styling), then header and
 * footer, each on its own line around the text.
 */
export function applyTemplate(message: NeutralMessage, filter: TemplateFilter, context: TemplateContext): NeutralMessage {
  const values = templateValues(message, context);
  let rt = message.text;
  if (filter.caption !== undefined && message.attachments.length > 0) {
    const { before, hasText, after } = renderTemplate(templateParts(filter.caption, true), values, rt.text);
    rt = hasText
      ? replaceRanges(rt, [
          { start: 0, end: 0, replacement: before },
          { start: rt.text.length, end: rt.text.length, replacement: after },
        ])
      : { text: before, entities: [] };
  }
  const header = filter.header === undefined ? undefined : renderTemplate(templateParts(filter.header, false), values).before;
  const footer = filter.footer === undefined ? undefined : renderTemplate(templateParts(filter.footer, false), values).before;
  if (rt.text === '') {
    const lines = [header, footer].filter((line) => line !== undefined);
    if (lines.length > 0) rt = { text: lines.join('\n'), entities: [] };
  } else {
    const ranges: TextRange[] = [];
    if (header !== undefined) ranges.push({ start: 0, end: 0, replacement: `${header}\n` });
    if (footer !== undefined) ranges.push({ start: rt.text.length, end: rt.text.length, replacement: `\n${footer}` });
    rt = replaceRanges(rt, ranges);
  }
  return withText(message, rt);
}
