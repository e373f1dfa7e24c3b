/**
 * Logging in: auth.sendCode / resendCode / cancelCode / signIn, 2FA through
 * account.getPassword and auth.checkPassword (real SRP), bots by token
 * with auth.importBotAuthorization (token errors: bots.ts), auth.logOut.
 *
 * Modelling choices: a phone_code_hash is bound to the auth key it was
 * issued on, and an unknown hash, one issued for another phone or on
 * another key, or one past `codeTtlMs` is PHONE_CODE_EXPIRED. A wrong code
 * is PHONE_CODE_INVALID and leaves the code usable. An unregistered phone
 * gets a code, then PHONE_NUMBER_UNOCCUPIED on signIn (today's Telegram
 * answers auth.authorizationSignUpRequired instead). An SRP challenge
 * serves one auth.checkPassword, right or wrong; reusing its srp_id is
 * SRP_ID_INVALID. importBotAuthorization checks api_id / api_hash as
 * sendCode does (API_ID_INVALID) and ignores its reserved `flags`.
 *
 * A pending code its phone's account gives away in a message it sends or
 * edits (sendMessage, a caption, a forward, sendAsUser...) is forgotten at
 * once, so signIn answers PHONE_CODE_EXPIRED: Telegram's anti-phishing rule
 * (code-leak.ts; FakeServer.deliver applies it).
 */
import { randomBytes, randomInt } from 'node:crypto';
import { botOfToken } from './bots.ts';
import { revealsCode } from './code-leak.ts';
import type { UserRecord } from './model.ts';
import { fail } from './rpc-fail.ts';
import type { FakeServices, Router } from './router.ts';
import { srpChallenge, srpCheck, srpVerifier } from './srp.ts';
import { userTl } from './tl-builders.ts';
import { Api, big, boolBytes } from './tl-io.ts';
import { G, PRIME_BYTES } from './prime.ts';

interface PendingCode {
  readonly phoneDigits: string;
  code: string;
  readonly keyId: string;
  expiresAt: number;
}

/** Login codes "sent to the app", by phone_code_hash. */
export class LoginCodes {
  readonly #byHash = new Map<string, PendingCode>();
  readonly #lastByPhone = new Map<string, string>();

  issue(phoneDigits: string, keyId: string, ttlMs: number, hash = randomBytes(9).toString('hex')): string {
    const code = String(randomInt(0, 100_000)).padStart(5, '0');
    this.#byHash.set(hash, { phoneDigits, code, keyId, expiresAt: Date.now() + ttlMs });
    this.#lastByPhone.set(phoneDigits, code);
    return hash;
  }

  /** The pending code of a hash as the caller may use it, or PHONE_CODE_EXPIRED. */
  pending(hash: string, phoneDigits: string, keyId: string): PendingCode {
    const pending = this.#byHash.get(hash);
    if (pending === undefined || pending.phoneDigits !== phoneDigits || pending.keyId !== keyId) fail(400, 'PHONE_CODE_EXPIRED');
    if (Date.now() > pending.expiresAt) {
      this.#byHash.delete(hash);
      fail(400, 'PHONE_CODE_EXPIRED');
    }
    return pending;
  }

  forget(hash: string): void {
    this.#byHash.delete(hash);
  }

  /** Forgets the pending codes of `phoneDigits` that `text`, sent by that phone's account, gives away (code-leak.ts). */
  forgetLeaked(phoneDigits: string, text: string): void {
    for (const [hash, pending] of this.#byHash) {
      if (pending.phoneDigits === phoneDigits && revealsCode(text, pending.code)) this.#byHash.delete(hash);
    }
  }

  last(phone: string): string | undefined {
    return this.#lastByPhone.get(phone.replace(/\D/g, ''));
  }
}

function digitsOf(phone: string): string {
  const digits = phone.replace(/[\s()+-]/g, '');
  if (!/^\d{5,15}$/.test(digits)) fail(400, 'PHONE_NUMBER_INVALID');
  return digits;
}

function srpOf(user: UserRecord): NonNullable<UserRecord['srp']> {
  if (user.srp === null) {
    const salt1 = randomBytes(40);
    const salt2 = randomBytes(16);
    user.srp = { salt1, salt2, verifier: srpVerifier(user.password ?? '', salt1, salt2) };
  }
  return user.srp;
}

function algo(salt1: Buffer, salt2: Buffer): Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow {
  return new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({ salt1, salt2, g: G, p: PRIME_BYTES });
}

export function registerLoginMethods(router: Router, services: FakeServices, codes: LoginCodes): void {
  const { world, keys } = services;
  const sentCode = (hash: string, type: Api.auth.TypeSentCodeType, next: boolean): Api.auth.SentCode =>
    new Api.auth.SentCode({ type, phoneCodeHash: hash, nextType: next ? new Api.auth.CodeTypeSms() : undefined, timeout: 60 });

  router.on(Api.auth.SendCode, { login: false }, (request, call) => {
    const digits = digitsOf(request.phoneNumber);
    if (request.apiId <= 0 || request.apiHash === '') fail(400, 'API_ID_INVALID');
    if (world.usersByPhone.get(digits)?.banned === true) fail(400, 'PHONE_NUMBER_BANNED');
    const hash = codes.issue(digits, call.key.id, services.codeTtlMs);
    return sentCode(hash, new Api.auth.SentCodeTypeApp({ length: 5 }), true);
  });

  router.on(Api.auth.ResendCode, { login: false }, (request, call) => {
    const digits = digitsOf(request.phoneNumber);
    codes.pending(request.phoneCodeHash, digits, call.key.id);
    codes.issue(digits, call.key.id, services.codeTtlMs, request.phoneCodeHash);
    return sentCode(request.phoneCodeHash, new Api.auth.SentCodeTypeSms({ length: 5 }), false);
  });

  router.on(Api.auth.CancelCode, { login: false }, (request) => {
    codes.forget(request.phoneCodeHash);
    return boolBytes(true);
  });

  router.on(Api.auth.SignIn, { login: false }, (request, call) => {
    const digits = digitsOf(request.phoneNumber);
    const pending = codes.pending(request.phoneCodeHash, digits, call.key.id);
    // Absent optional fields parse as null, whatever gramjs's types say.
    if (typeof request.phoneCode !== 'string' || request.phoneCode === '') fail(400, 'PHONE_CODE_EMPTY');
    if (request.phoneCode !== pending.code) fail(400, 'PHONE_CODE_INVALID');
    codes.forget(request.phoneCodeHash);
    const user = world.usersByPhone.get(digits);
    if (user === undefined) fail(400, 'PHONE_NUMBER_UNOCCUPIED');
    if (user.banned) fail(400, 'PHONE_NUMBER_BANNED');
    if (user.password !== null) {
      keys.bind(call.key, null);
      call.key.passwordUserId = user.id;
      fail(401, 'SESSION_PASSWORD_NEEDED');
    }
    keys.bind(call.key, user.id);
    return new Api.auth.Authorization({ user: userTl(user, user.id) });
  });

  router.on(Api.account.GetPassword, { login: false }, async (request, call) => {
    const userId = call.key.passwordUserId ?? call.key.userId;
    if (userId === null) fail(401, 'AUTH_KEY_UNREGISTERED');
    const user = world.user(userId);
    const newAlgo = algo(randomBytes(32), randomBytes(16));
    const newSecureAlgo = new Api.SecurePasswordKdfAlgoPBKDF2HMACSHA512iter100000({ salt: randomBytes(8) });
    if (user.password === null) return new Api.account.Password({ newAlgo, newSecureAlgo, secureRandom: randomBytes(32) });
    const srp = srpOf(user);
    const challenge = srpChallenge(await srp.verifier);
    call.key.srp = challenge;
    return new Api.account.Password({
      hasPassword: true, currentAlgo: algo(srp.salt1, srp.salt2), srp_B: challenge.B, srpId: big(challenge.id),
      newAlgo, newSecureAlgo, secureRandom: randomBytes(32),
    });
  });

  router.on(Api.auth.CheckPassword, { login: false }, async (request, call) => {
    const userId = call.key.passwordUserId ?? call.key.userId;
    if (userId === null) fail(401, 'AUTH_KEY_UNREGISTERED');
    const user = world.user(userId);
    const check = request.password;
    if (!(check instanceof Api.InputCheckPasswordSRP) || user.srp === null) fail(400, 'PASSWORD_HASH_INVALID');
    const challenge = call.key.srp;
    if (challenge === null || challenge.id !== check.srpId.toString()) fail(400, 'SRP_ID_INVALID');
    call.key.srp = null;
    if (!srpCheck(challenge, await user.srp.verifier, user.srp, check.A, check.M1)) fail(400, 'PASSWORD_HASH_INVALID');
    keys.bind(call.key, user.id);
    return new Api.auth.Authorization({ user: userTl(user, user.id) });
  });

  router.on(Api.auth.ImportBotAuthorization, { login: false }, (request, call) => {
    if (request.apiId <= 0 || request.apiHash === '') fail(400, 'API_ID_INVALID');
    const bot = botOfToken(world, request.botAuthToken);
    keys.bind(call.key, bot.id);
    return new Api.auth.Authorization({ user: userTl(bot, bot.id) });
  });

  router.on(Api.auth.LogOut, { login: true }, (_request, call) => {
    keys.bind(call.key, null);
    return new Api.auth.LoggedOut({});
  });
}
