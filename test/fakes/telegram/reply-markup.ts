/**
 * Reply markup (inline keyboards and reply keyboards) as Telegram checks
 * it when a bot sends or edits a message, and its buttons in the readable
 * shape tests use (FakeMessage.buttons).
 *
 * Following Telegram's documentation: callback data is 1 to 64 bytes
 * (400 BUTTON_DATA_INVALID); a keyboard holds at most 100 buttons
 * (400 REPLY_MARKUP_TOO_LONG); an inline keyboard holds only inline
 * buttons (400 BUTTON_TYPE_INVALID); a URL button's URL must be one
 * (400 BUTTON_URL_INVALID).
 *
 * Modelling choices:
 * - Only bots send markup: a user account's reply_markup is dropped, as
 *   Telegram ignores it.
 * - A button's text must not be blank: 400 BUTTON_TEXT_INVALID, Telegram's
 *   error for it (the Bot API shows "text buttons are unallowed" for some).
 * - Rows of more than 8 buttons pass: Telegram's apps show at most 8 a row
 *   but the server documents no error for more.
 * - URLs are accepted with the schemes http, https and tg (a bare domain,
 *   which Telegram completes with http://, is refused).
 */
import type { FakeButton } from './model.ts';
import { fail } from './rpc-fail.ts';
import { Api, tlName } from './tl-io.ts';
import type { FakeWorld } from './world.ts';

const MAX_BUTTONS = 100;
const MAX_DATA_BYTES = 64;

/** Buttons an inline keyboard may hold; reply-keyboard buttons (plain text, request phone...) may not. */
const INLINE_TYPES = [
  Api.KeyboardButtonCallback, Api.KeyboardButtonUrl, Api.KeyboardButtonSwitchInline, Api.KeyboardButtonGame, Api.KeyboardButtonBuy,
  Api.KeyboardButtonUrlAuth, Api.InputKeyboardButtonUrlAuth, Api.KeyboardButtonWebView, Api.KeyboardButtonCopy,
  Api.KeyboardButtonUserProfile, Api.InputKeyboardButtonUserProfile,
];

function rowsOf(markup: Api.TypeReplyMarkup): Api.KeyboardButtonRow[] {
  return markup instanceof Api.ReplyInlineMarkup || markup instanceof Api.ReplyKeyboardMarkup ? markup.rows : [];
}

function checkButton(button: Api.TypeKeyboardButton, inline: boolean): void {
  if (inline && !INLINE_TYPES.some((type) => button instanceof type)) fail(400, 'BUTTON_TYPE_INVALID');
  if (button.text.trim() === '') fail(400, 'BUTTON_TEXT_INVALID');
  if (button instanceof Api.KeyboardButtonCallback && (button.data.length === 0 || button.data.length > MAX_DATA_BYTES)) {
    fail(400, 'BUTTON_DATA_INVALID');
  }
  if (button instanceof Api.KeyboardButtonUrl && !/^(https?|tg):\/\/\S+$/i.test(button.url)) fail(400, 'BUTTON_URL_INVALID');
}

/**
 * The markup a message is posted or edited with: the request's, checked,
 * when `userId` is a bot; null for people, whose markup Telegram drops.
 * Absent optional fields parse as null, whatever gramjs's types say.
 */
export function markupToStore(world: FakeWorld, userId: string, input: Api.TypeReplyMarkup | null | undefined): Api.TypeReplyMarkup | null {
  if (world.user(userId).bot === null || input === undefined || input === null) return null;
  const rows = rowsOf(input);
  if (rows.reduce((n, row) => n + row.buttons.length, 0) > MAX_BUTTONS) fail(400, 'REPLY_MARKUP_TOO_LONG');
  const inline = input instanceof Api.ReplyInlineMarkup;
  for (const row of rows) for (const button of row.buttons) checkButton(button, inline);
  return input;
}

/** The inline keyboard's buttons by row, readable; empty for other markup. */
export function buttonsOf(markup: Api.TypeReplyMarkup | null): FakeButton[][] {
  if (!(markup instanceof Api.ReplyInlineMarkup)) return [];
  return markup.rows.map((row) => row.buttons.map((button) => ({
    type: tlName(button.className),
    text: button.text,
    data: button instanceof Api.KeyboardButtonCallback ? Buffer.from(button.data) : null,
    url: button instanceof Api.KeyboardButtonUrl ? button.url : null,
  })));
}

/** Whether two markups are the same (MESSAGE_NOT_MODIFIED compares them with the text). */
export function sameMarkup(a: Api.TypeReplyMarkup | null, b: Api.TypeReplyMarkup | null): boolean {
  return a === b || (a !== null && b !== null && a.getBytes().equals(b.getBytes()));
}
