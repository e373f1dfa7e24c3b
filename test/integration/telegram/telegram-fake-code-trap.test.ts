/**
 * The Telegram fake's anti-phishing rule (code-leak.ts) against the real
 * gramjs client: a login code its own account sends in a message expires at
 * once (auth.signIn: PHONE_CODE_EXPIRED), whether sent through the API or by
 * the fake's sendAsUser; the code written with separators, or sent by
 * someone else, leaves it usable.
 */
import assert from 'node:assert/strict';
import { Api } from 'telegram';
import type { TelegramClient } from 'telegram';
import { TelegramFake } from '../../fakes/telegram/telegram-fake.ts';
import type { FakeBot, FakeUser } from '../../fakes/telegram/telegram-fake.ts';
import { API_HASH, API_ID, inputUser, loggedInClient, newClient, rpcError } from './telegram-test-kit.ts';

describe('Telegram fake: a login code sent in a message expires', function () {
  this.timeout(20_000);
  let fake: TelegramFake;
  let alice: FakeUser;
  let bob: FakeUser;
  let bot: FakeBot;
  const clients: TelegramClient[] = [];

  beforeEach(async () => {
    fake = await TelegramFake.start({ floodLimits: false });
    alice = fake.createUser({ phone: '+15550007001', firstName: 'Alice' });
    bob = fake.createUser({ phone: '+15550007002', firstName: 'Bob' });
    bot = fake.createBot({ username: 'login_helper_bot', firstName: 'Login helper' });
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.destroy();
    await fake.close();
  });

  /** Alice, logged in on one client, and a second client that asked a code for her phone: its signIn, and the code. */
  async function secondLogin(): Promise<{ aliceClient: TelegramClient; code: string; signIn: (code: string) => Promise<Api.auth.TypeAuthorization> }> {
    const { client: aliceClient } = await loggedInClient(fake, alice.phone);
    clients.push(aliceClient);
    const other = await newClient(fake);
    clients.push(other);
    const sent = await other.invoke(new Api.auth.SendCode({ phoneNumber: alice.phone, apiId: API_ID, apiHash: API_HASH, settings: new Api.CodeSettings({}) }));
    assert.ok(sent instanceof Api.auth.SentCode);
    const signIn = (phoneCode: string) =>
      other.invoke(new Api.auth.SignIn({ phoneNumber: alice.phone, phoneCodeHash: sent.phoneCodeHash, phoneCode }));
    return { aliceClient, code: fake.lastCode(alice.phone)!, signIn };
  }

  it('expires a code its account sends in plain digits (gramjs sendMessage to a bot)', async () => {
    const { aliceClient, code, signIn } = await secondLogin();
    await aliceClient.sendMessage(inputUser(bot), { message: code });
    assert.equal(fake.messages(bot.id, alice.id).at(-1)?.text, code);
    assert.equal(await rpcError(signIn(code)), '400 PHONE_CODE_EXPIRED');
  });

  it('leaves a code usable when written with separators, or sent by someone else', async () => {
    const { aliceClient, code, signIn } = await secondLogin();
    await aliceClient.sendMessage('me', { message: [...code].join(' ') });
    await aliceClient.sendMessage(inputUser(bot), { message: `code: ${[...code].join('-')}` });
    fake.sendAsUser(bob.id, alice, { text: `is it ${code}?` });
    const authorization = await signIn(code);
    assert.ok(authorization instanceof Api.auth.Authorization);
    assert.equal(authorization.user.id.toString(), alice.id);
  });

  it("expires a code inside other text posted with the fake's sendAsUser", async () => {
    const { code, signIn } = await secondLogin();
    fake.sendAsUser(alice.id, bob, { text: `the app says ${code}, can you log in for me?` });
    assert.equal(await rpcError(signIn(code)), '400 PHONE_CODE_EXPIRED');
  });
});
