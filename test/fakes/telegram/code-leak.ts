/**
 * Telegram's anti-phishing rule for login codes: a code that its own account
 * sends through Telegram, in any message to any chat (Saved Messages, a
 * person, a bot, a forward of the code's notification), is invalidated at
 * once, and a later auth.signIn with it answers 400 PHONE_CODE_EXPIRED. The
 * point is that someone tricked into pasting the code to a "support" chat or
 * a login bot cannot be logged into by whoever reads it. Telegram looks for
 * the code's digits in a row in the text, so "12345" or "code:12345!" gives
 * it away (also inside a longer number) while "1 2 3 4 5" or "1-2-3-4-5" does
 * not; apps that take a code through a chat ask for it written that way.
 */
export function revealsCode(text: string, code: string): boolean {
  return /^\d+$/.test(code) && text.includes(code);
}
