import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Api, helpers } from 'telegram';
import type { RichText, TextEntity } from '../../../src/forwarding/message/neutral-message.ts';
import { fromGramjsEntities, toGramjsEntities } from '../../../src/forwarding/format/gramjs-entities.ts';
import { TELEGRAM_CAPTION_MAX_LENGTH } from '../../../src/forwarding/format/limits.ts';
import { normalizeRichText } from '../../../src/forwarding/format/rich-text.ts';
import {
  fromTelegram, toTelegram, toTelegramMessages, type TelegramEntity,
} from '../../../src/forwarding/format/telegram-entities.ts';
import { anyRichText, nestedRichText } from './arbitraries.ts';

const rt = (text: string, ...entities: TextEntity[]): RichText => ({ text, entities });
const e = (type: TextEntity['type'], offset: number, length: number, extra: Partial<TextEntity> = {}): TextEntity =>
  ({ type, offset, length, ...extra });
const t = (type: TelegramEntity['type'], offset: number, length: number, extra: Partial<TelegramEntity> = {}): TelegramEntity =>
  ({ type, offset, length, ...extra });

/**
 * Round trips leave out what Telegram reads differently on purpose: a link to
 * tg://user?id= comes back as a mention, a mention of a non-Telegram id as text.
 */
const noUserLinks = (input: RichText): RichText => ({
  text: input.text,
  entities: input.entities.filter((x) => !(x.url ?? '').startsWith('tg://user') && !(x.type === 'mention' && !/^\d+$/.test(x.userId ?? ''))),
});

const ALL_TYPES: TelegramEntity[] = [
  t('bold', 0, 1), t('italic', 1, 1), t('underline', 2, 1), t('strikethrough', 3, 1), t('code', 4, 1), t('pre', 5, 1, { language: 'js' }),
  t('spoiler', 6, 1), t('text_link', 7, 1, { url: 'https://x.y' }), t('mention_name', 8, 1, { userId: '9007199254740993' }),
  t('blockquote', 9, 1, { collapsed: true }), t('url', 10, 1), t('mention', 11, 1), t('hashtag', 12, 1), t('cashtag', 13, 1),
  t('bot_command', 14, 1), t('email', 15, 1), t('phone', 16, 1), t('bank_card', 17, 1),
  t('custom_emoji', 18, 1, { customEmojiId: '5368324170671202286' }), t('unknown', 19, 1),
];

describe('format: Telegram entities', () => {
  it('maps styles, links, mentions and quotes to the neutral model; detected entities become plain text', () => {
    const text = 'a\nb\nc';
    assert.deepEqual(fromTelegram(text, [
      t('bold', 0, 1), t('strikethrough', 2, 1), t('text_link', 4, 1, { url: 'https://x.y' }), t('url', 0, 5), t('hashtag', 2, 1),
    ]), rt(text, e('bold', 0, 1), e('strike', 2, 1), e('link', 4, 1, { url: 'https://x.y' })));
    assert.deepEqual(fromTelegram('quoted', [t('blockquote', 0, 6), t('pre', 0, 6, { language: '' })]),
      rt('quoted', e('quote', 0, 6), e('pre', 0, 6)));
  });

  it('reads a tg://user?id= link as a mention', () => {
    assert.deepEqual(fromTelegram('Ann', [t('text_link', 0, 3, { url: 'tg://user?id=42' })]), rt('Ann', e('mention', 0, 3, { userId: '42' })));
    assert.deepEqual(fromTelegram('Ann', [t('mention_name', 0, 3, { userId: '42' })]), rt('Ann', e('mention', 0, 3, { userId: '42' })));
  });

  it('leaves a mention of another platform\'s user (non-numeric id) as plain text', () => {
    assert.deepEqual(toTelegram(rt('@u7', e('mention', 0, 3, { userId: 'u7' }))), { text: '@u7', entities: [] });
    assert.deepEqual(toGramjsEntities([t('mention_name', 0, 1, { userId: 'u7' }), t('bold', 0, 1)]).map((i) => i.className), ['MessageEntityBold']);
  });

  it('writes the neutral model as Telegram entities', () => {
    assert.deepEqual(toTelegram(rt('x y z', e('strike', 0, 1), e('mention', 2, 1, { userId: '7' }), e('quote', 0, 5),
      e('link', 4, 1, { url: 'https://x' }), e('pre', 4, 1, { language: 'c' }))), {
      text: 'x y z',
      entities: [t('blockquote', 0, 5), t('strikethrough', 0, 1), t('mention_name', 2, 1, { userId: '7' }), t('pre', 4, 1, { language: 'c' })],
    });
  });

  it('round trip: any rich text comes back as its normal form', () => {
    fc.assert(fc.property(fc.oneof(anyRichText(), nestedRichText({ clashes: true, oddTargets: true })).map(noUserLinks), (input) => {
      const { text, entities } = toTelegram(input);
      assert.equal(text, input.text);
      assert.deepEqual(fromTelegram(text, entities), normalizeRichText(input));
    }), { numRuns: 400 });
  });

  it('splits into messages and captions by text length, entities not counted', () => {
    const long = rt(`${'word '.repeat(300)}end`, e('bold', 0, 1503));
    const messages = toTelegramMessages(long);
    assert.equal(messages.length, 1);
    const captions = toTelegramMessages(long, TELEGRAM_CAPTION_MAX_LENGTH);
    assert.equal(captions.length, 2);
    for (const c of captions) {
      assert.ok(c.text.length <= TELEGRAM_CAPTION_MAX_LENGTH);
      assert.deepEqual(c.entities, [t('bold', 0, c.text.length)]);
    }
    assert.equal(captions.map((c) => c.text).join(' '), long.text);
  });

  describe('gramjs', () => {
    it('builds the gramjs class for every entity type and reads it back', () => {
      const instances = toGramjsEntities(ALL_TYPES);
      assert.deepEqual(instances.map((i) => i.className), [
        'MessageEntityBold', 'MessageEntityItalic', 'MessageEntityUnderline', 'MessageEntityStrike', 'MessageEntityCode',
        'MessageEntityPre', 'MessageEntitySpoiler', 'MessageEntityTextUrl', 'MessageEntityMentionName', 'MessageEntityBlockquote',
        'MessageEntityUrl', 'MessageEntityMention', 'MessageEntityHashtag', 'MessageEntityCashtag', 'MessageEntityBotCommand',
        'MessageEntityEmail', 'MessageEntityPhone', 'MessageEntityBankCard', 'MessageEntityCustomEmoji', 'MessageEntityUnknown',
      ]);
      assert.deepEqual(fromGramjsEntities(instances), ALL_TYPES);
    });

    it('keeps 64-bit user ids exact', () => {
      const [mention] = toGramjsEntities([t('mention_name', 0, 1, { userId: '9007199254740993' })]);
      assert.ok(mention instanceof Api.MessageEntityMentionName);
      assert.equal(mention.userId.toString(), '9007199254740993');
    });

    it('sends mentions as InputMessageEntityMentionName when the client knows the user', () => {
      const input = new Api.InputUser({ userId: helpers.returnBigInt('42'), accessHash: helpers.returnBigInt('-7') });
      const [mention] = toGramjsEntities([t('mention_name', 3, 4, { userId: '42' })], { inputUser: (id) => (id === '42' ? input : undefined) });
      assert.ok(mention instanceof Api.InputMessageEntityMentionName);
      assert.equal(mention.userId, input);
      assert.deepEqual(fromGramjsEntities([mention]), [t('mention_name', 3, 4, { userId: '42' })]);
    });

    it('round trip: neutral model through gramjs instances and back', () => {
      fc.assert(fc.property(nestedRichText({ oddTargets: true }).map(noUserLinks), (input) => {
        const { text, entities } = toTelegram(input);
        assert.deepEqual(fromTelegram(text, fromGramjsEntities(toGramjsEntities(entities))), normalizeRichText(input));
      }), { numRuns: 200 });
    });
  });
});
