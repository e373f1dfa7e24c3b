import assert from 'node:assert/strict';
import type { RichText, TextEntity } from '../../../src/forwarding/message/neutral-message.ts';
import { discordCanonical, fromDiscordMarkdown, toDiscordMarkdown } from '../../../src/forwarding/format/discord-markdown.ts';

const Z = '\u200b';
const rt = (text: string, ...entities: TextEntity[]): RichText => ({ text, entities });
const e = (type: TextEntity['type'], offset: number, length: number, extra: Partial<TextEntity> = {}): TextEntity =>
  ({ type, offset, length, ...extra });
const parse = (md: string): RichText => fromDiscordMarkdown(md);

describe('format: Discord markdown', () => {
  describe('fromDiscordMarkdown', () => {
    it('reads each inline style', () => {
      assert.deepEqual(parse('**b** *i* _j_ __u__ ~~s~~ ||p|| `c`'), rt('b i j u s p c',
        e('bold', 0, 1), e('italic', 2, 1), e('italic', 4, 1), e('underline', 6, 1), e('strike', 8, 1), e('spoiler', 10, 1), e('code', 12, 1)));
    });

    it('reads nested bold italic and styles inside styles', () => {
      assert.deepEqual(parse('***both***'), rt('both', e('italic', 0, 4), e('bold', 0, 4)));
      assert.deepEqual(parse('**bold *both* bold**'), rt('bold both bold', e('bold', 0, 14), e('italic', 5, 4)));
      assert.deepEqual(parse('__*~~x~~*__'), rt('x', e('italic', 0, 1), e('underline', 0, 1), e('strike', 0, 1)));
    });

    it('leaves markup inside code alone', () => {
      assert.deepEqual(parse('`**not bold** <@1>`'), rt('**not bold** <@1>', e('code', 0, 17)));
      assert.deepEqual(parse('``a`b``'), rt('a`b', e('code', 0, 3)));
      assert.deepEqual(parse('`` `x` ``'), rt('`x`', e('code', 0, 3)));
    });

    it('reads code blocks with and without a language', () => {
      assert.deepEqual(parse('```py\nprint(1)\n```'), rt('print(1)', e('pre', 0, 8, { language: 'py' })));
      assert.deepEqual(parse('```\n**raw**\n```'), rt('**raw**', e('pre', 0, 7)));
      assert.deepEqual(parse('a```x```b'), rt('axb', e('pre', 1, 1)));
    });

    it('reads masked links, parentheses in the url included', () => {
      assert.deepEqual(parse('[the **docs**](https://x.y/a)'), rt('the docs', e('link', 0, 8, { url: 'https://x.y/a' }), e('bold', 4, 4)));
      assert.deepEqual(parse('[Foo](https://en.wikipedia.org/wiki/Foo_(bar))!'),
        rt('Foo!', e('link', 0, 3, { url: 'https://en.wikipedia.org/wiki/Foo_(bar)' })));
    });

    it('keeps bare urls (and <url>) as plain text, markup characters and all', () => {
      assert.deepEqual(parse('see https://x.y/a_b_c*d and <https://q.r/s>'), rt('see https://x.y/a_b_c*d and https://q.r/s'));
      assert.deepEqual(parse('(http://a.b/c)'), rt('(http://a.b/c)'));
    });

    it('reads user mentions, with names from the resolver', () => {
      assert.deepEqual(parse('hi <@123> and <@!456>'), rt('hi @123 and @456', e('mention', 3, 4, { userId: '123' }), e('mention', 12, 4, { userId: '456' })));
      const named = fromDiscordMarkdown('<@123>!', { resolveUser: (id) => (id === '123' ? 'Ann' : undefined) });
      assert.deepEqual(named, rt('@Ann!', e('mention', 0, 4, { userId: '123' })));
    });

    it('reads quotes line by line and >>> to the end', () => {
      assert.deepEqual(parse('> one\n> **two**\nafter'), rt('one\ntwo\nafter', e('quote', 0, 7), e('bold', 4, 3)));
      assert.deepEqual(parse('before\n>>> all\nthe rest'), rt('before\nall\nthe rest', e('quote', 7, 12)));
      assert.deepEqual(parse('a > b'), rt('a > b'));
      assert.deepEqual(parse('> ```js\n> x\n> ```'), rt('x', e('quote', 0, 1), e('pre', 0, 1, { language: 'js' })));
    });

    it('honours backslash escapes', () => {
      assert.deepEqual(parse('\\*not\\* \\_x\\_ \\<@1> \\\\'), rt('*not* _x_ <@1> \\'));
    });

    it('does not read snake_case as italic', () => {
      assert.deepEqual(parse('snake_case_name'), rt('snake_case_name'));
    });

    it('turns headings bold and custom emoji into :name:', () => {
      assert.deepEqual(parse('# Title\n-# small\n<:wave:123456>'), rt('Title\nsmall\n:wave:', e('bold', 0, 5)));
    });

    it('drops unescaped zero-width spaces (markup separators, defused @everyone)', () => {
      assert.deepEqual(parse(`@${Z}everyone **a**${Z}*b*`), rt('@everyone ab', e('bold', 10, 1), e('italic', 11, 1)));
      assert.deepEqual(parse(`\\${Z}`), rt(Z));
    });
  });

  describe('toDiscordMarkdown', () => {
    it('escapes markup characters in plain text', () => {
      assert.equal(toDiscordMarkdown(rt('a*b_c~d`e|f[g]h(i)j\\k<l')), 'a\\*b\\_c\\~d\\`e\\|f\\[g\\]h\\(i)j\\\\k\\<l');
    });

    it('escapes line-start markup only at a line start', () => {
      assert.equal(toDiscordMarkdown(rt('> q\n# h\n- l\n12. n\n-# s\na > b # c - d 1. e')),
        '\\> q\n\\# h\n\\- l\n12\\. n\n\\-# s\na > b # c - d 1. e');
    });

    it('neutralises @everyone, @here and mention syntax', () => {
      assert.equal(toDiscordMarkdown(rt('@everyone @here <@123>')), `@${Z}everyone @${Z}here \\<@123>`);
      assert.equal(toDiscordMarkdown(rt('x', e('code', 0, 1))), '`x`');
      assert.equal(toDiscordMarkdown(rt('@here', e('code', 0, 5))), `\`@${Z}here\``);
    });

    it('writes bare urls raw where safe, otherwise without their autolink', () => {
      assert.equal(toDiscordMarkdown(rt('go https://x.y/a_b?c=1.')), 'go https://x.y/a_b?c=1.');
      assert.equal(toDiscordMarkdown(rt('https://x.y/a*b')), 'https\\://x.y/a\\*b');
      assert.equal(toDiscordMarkdown(rt('https://x.y/a', e('bold', 0, 13))), '**https://x.y/a**');
      assert.equal(toDiscordMarkdown(rt('https://x.yz', e('bold', 11, 1))), 'https\\://x.y**z**');
    });

    it('writes nested bold italic with separators where delimiters would run together', () => {
      assert.equal(toDiscordMarkdown(rt('both', e('bold', 0, 4), e('italic', 0, 4))), `*${Z}**both**${Z}*`);
      assert.equal(toDiscordMarkdown(rt('ab', e('bold', 0, 1), e('italic', 1, 1))), `**a**${Z}*b*`);
      assert.equal(toDiscordMarkdown(rt('a*', e('bold', 0, 2))), `**a\\*${Z}**`);
    });

    it('fences code so that its backticks survive', () => {
      assert.equal(toDiscordMarkdown(rt('a`b', e('code', 0, 3))), '``a`b``');
      assert.equal(toDiscordMarkdown(rt('`x', e('code', 0, 2))), '`` `x``');
      assert.equal(toDiscordMarkdown(rt('say ```', e('pre', 0, 7))), `\`\`\`\nsay \`${Z}\`\`\n\`\`\``);
    });

    it('writes masked links, encoding only what would break them', () => {
      assert.equal(toDiscordMarkdown(rt('Foo', e('link', 0, 3, { url: 'https://en.wikipedia.org/wiki/Foo_(bar)' }))),
        '[Foo](https://en.wikipedia.org/wiki/Foo_(bar))');
      assert.equal(toDiscordMarkdown(rt('x', e('link', 0, 1, { url: 'https://a.b/c)d e' }))), '[x](https://a.b/c%29d%20e)');
      assert.equal(toDiscordMarkdown(rt('a [b] c', e('link', 0, 7, { url: 'https://a.b' }))), '[a \\[b\\] c](https://a.b)');
    });

    it('keeps the url of a link whose label Discord cannot delimit', () => {
      const md = toDiscordMarkdown(rt('a[b', e('link', 0, 3, { url: 'https://a.b' })));
      assert.equal(md, 'a\\[b \\(<https://a.b>)');
      assert.deepEqual(parse(md), rt('a[b (https://a.b)'));
    });

    it('writes mentions as <@id> and quotes line by line', () => {
      assert.equal(toDiscordMarkdown(rt('hi @Ann', e('mention', 3, 4, { userId: '123' }))), 'hi <@123>');
      assert.equal(toDiscordMarkdown(rt('x\nq1\nq2\ny', e('quote', 2, 5), e('bold', 2, 5))), 'x\n> **q1\n> q2**\ny');
    });

    it('quotes whole lines even when the quote started mid-line', () => {
      assert.equal(toDiscordMarkdown(rt('ab cd', e('quote', 3, 2))), '> ab cd');
    });
  });

  describe('discordCanonical', () => {
    it('turns non-http links and non-snowflake mentions into plain text', () => {
      assert.deepEqual(discordCanonical(rt('@u x', e('mention', 0, 2, { userId: 'u7' }), e('link', 3, 1, { url: 'tg://user?id=1' }))), rt('@u x'));
    });

    it('lets a style skip inline code that holds its delimiter', () => {
      const src = rt('see a*b now', e('italic', 0, 11), e('code', 4, 3));
      assert.deepEqual(discordCanonical(src), rt('see a*b now', e('italic', 0, 3), e('code', 4, 3), e('italic', 8, 3)));
      assert.deepEqual(parse(toDiscordMarkdown(src)), discordCanonical(src));
      const safe = rt('a b', e('bold', 0, 3), e('code', 2, 1));
      assert.deepEqual(discordCanonical(safe), safe);
    });
  });
});
