import assert from 'node:assert/strict';
import fc from 'fast-check';
import { discordCanonical, fromDiscordMarkdown, toDiscordMarkdown } from '../../../src/forwarding/format/discord-markdown.ts';
import { isWellFormed, normalizeRichText } from '../../../src/forwarding/format/rich-text.ts';
import { anyRichText, nestedRichText, resolveUser, userText } from './arbitraries.ts';

const back = (md: string) => fromDiscordMarkdown(md, { resolveUser });

describe('format: Discord markdown properties', () => {
  it('escaping: any user text without entities reads back as exactly that text', () => {
    fc.assert(fc.property(userText(30), (text) => {
      assert.deepEqual(back(toDiscordMarkdown({ text, entities: [] })), { text, entities: [] });
    }), { numRuns: 500 });
  });

  it('round trip: nested styles over markup-heavy text come back as the normalised input', () => {
    // Code holds no delimiter of an enclosing style, links go to http(s), mentions name snowflakes:
    // then the Discord-canonical form is the normal form.
    fc.assert(fc.property(nestedRichText(), (rt) => {
      const normal = normalizeRichText(rt);
      assert.deepEqual(discordCanonical(rt), normal);
      assert.deepEqual(back(toDiscordMarkdown(rt)), normal);
    }), { numRuns: 400 });
  });

  it('round trip: with clashing code and foreign targets, comes back as discordCanonical (text unchanged)', () => {
    fc.assert(fc.property(nestedRichText({ clashes: true, oddTargets: true }), (rt) => {
      const parsed = back(toDiscordMarkdown(rt));
      assert.deepEqual(parsed, discordCanonical(rt));
      assert.equal(parsed.text, rt.text);
    }), { numRuns: 400 });
  });

  it('any entities, crossing or not: one round trip reaches a fixed point', () => {
    fc.assert(fc.property(anyRichText(), (rt) => {
      const once = back(toDiscordMarkdown(rt));
      assert.deepEqual(back(toDiscordMarkdown(once)), once);
    }), { numRuns: 300 });
  });

  it('never writes a live @everyone or @here', () => {
    fc.assert(fc.property(fc.oneof(anyRichText(), nestedRichText({ clashes: true, oddTargets: true })), (rt) => {
      assert.doesNotMatch(toDiscordMarkdown(rt), /@(everyone|here)/);
    }), { numRuns: 300 });
  });

  it('parses any input into well-formed, normalised rich text', () => {
    fc.assert(fc.property(userText(60), (md) => {
      const rt = fromDiscordMarkdown(md);
      assert.ok(isWellFormed(rt));
      assert.deepEqual(normalizeRichText(rt), rt);
    }), { numRuns: 400 });
  });

  it('discordCanonical is idempotent and changes styles only', () => {
    fc.assert(fc.property(anyRichText(), (rt) => {
      const c = discordCanonical(rt);
      assert.equal(c.text, rt.text);
      assert.deepEqual(discordCanonical(c), c);
    }), { numRuns: 300 });
  });
});
