import assert from 'node:assert/strict';
import { COMMANDS } from '../../../src/commands/command-catalogue.ts';
import { telegramBotCommands } from '../../../src/commands/telegram-bot-commands.ts';

describe('Telegram command menu', () => {
  it('lists every command but the admin ones, in catalogue order, with usage in the description', () => {
    const menu = telegramBotCommands();
    assert.deepEqual(menu.map((c) => c.command), COMMANDS.filter((c) => c.audience !== 'admin').map((c) => c.name));
    assert.equal(menu.find((c) => c.command === 'link')!.description, 'Tie this chat to your Switchboard account with a code from the dashboard (CODE)');
    assert.equal(menu.find((c) => c.command === 'users'), undefined);
  });

  it('keeps within what Telegram accepts: 1 to 32 of a-z, 0-9 and _, descriptions of 1 to 256 characters', () => {
    const long = { ...COMMANDS[0]!, summary: 'x'.repeat(300) };
    for (const c of [...telegramBotCommands(), ...telegramBotCommands([long])]) {
      assert.match(c.command, /^[a-z0-9_]{1,32}$/);
      assert.ok(c.description.length >= 1 && c.description.length <= 256, c.command);
    }
  });
});
