/**
 * Runs a chat message to the control bot, whichever platform it came from:
 * who is asking (the chat identity's link), what the text asks
 * (command-decision.ts), the command gate (role, plan, rate limit, the
 * period's allowance), then the command, and the reply as neutral rich text
 * for the platform adapter (discord-control-bot.ts) to render. Every
 * refusal is a reply saying why; nothing is changed by a refused command.
 * Admin commands that change things run in admin-commands.ts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ApiContext } from '../api/api-context.ts';
import { clusterStats } from '../api/admin/cluster-stats.ts';
import { listUsers } from '../api/admin/user-directory.ts';
import { planOf } from '../api/auth/user-plan.ts';
import { readSnapshots } from '../cluster/admin-channel.ts';
import { updatePair } from '../api/pairs/pair-writes.ts';
import { usageReport } from '../api/usage/usage-report.ts';
import { loadUserUsage } from '../api/usage/user-usage.ts';
import { DiscordAccount } from '../db/entities/discord-account.ts';
import { ForwardingPair } from '../db/entities/forwarding-pair.ts';
import { TelegramAccount } from '../db/entities/telegram-account.ts';
import { User } from '../db/entities/user.ts';
import { CURRENT_SUBSCRIPTION_STATUSES, UserSubscription } from '../db/entities/user-subscription.ts';
import { upgradeOptions } from '../domain/plans/plan-upgrades.ts';
import { upgradePayment } from '../api/billing/upgrade-links.ts';
import type { PlanDefinition } from '../domain/plans/plan-types.ts';
import { SwitchboardError } from '../errors/switchboard-error.ts';
import type { RichText } from '../forwarding/message/neutral-message.ts';
import { AdminCommands } from './admin-commands.ts';
import { clampPage, PAGE_SIZE, readPageData, type BotReply, type PagedList } from './page-nav.ts';
import { BotLogin } from './bot-login.ts';
import type { ChatIdentity, ChatLinks } from './chat-links.ts';
import { findCommand, type CommandSpec } from './command-catalogue.ts';
import { decideCommand, decideParsed, type CommandDecision } from './command-decision.ts';
import { parseCommand, type CommandText } from './command-text.ts';
import { CommandGate } from './command-gate.ts';
import { accountsReply, statusReply, type AccountLine } from './replies/accounts-reply.ts';
import { statsReply, usersReply, workersReply } from './replies/admin-replies.ts';
import { pairByRef, pairsReply, type PairLine } from './replies/pairs-reply.ts';
import { upgradeReply } from './replies/upgrade-reply.ts';
import { planReply, usageReply } from './replies/usage-reply.ts';
import { ReplyText } from './reply-text.ts';

/** A linked caller, as the commands need them. */
interface Caller {
  userId: string;
  email: string;
  role: 'admin' | 'premium_user' | 'free_user';
  status: 'active' | 'suspended' | 'deleted';
  plan: PlanDefinition;
}

const say = (text: string): RichText => new ReplyText().plain(text).build();

function callerKind(caller: Caller | null): { kind: 'unlinked' } | { kind: 'user' | 'admin'; userId: string } {
  return caller === null ? { kind: 'unlinked' } : { kind: caller.role === 'admin' ? 'admin' : 'user', userId: caller.userId };
}

export class CommandRunner {
  readonly #ctx: ApiContext;
  readonly #links: ChatLinks;
  readonly #gate: CommandGate;
  readonly #login: BotLogin;

  constructor(ctx: ApiContext, links: ChatLinks, gate = new CommandGate(ctx.redis, () => new Date(ctx.now()))) {
    this.#ctx = ctx;
    this.#links = links;
    this.#gate = gate;
    this.#login = new BotLogin(ctx);
  }

  /**
   * The reply to `text` from `identity`; null when the text is not for this
   * bot. Plain text is, when a Telegram login begun in this chat waits for
   * its code or password: it runs as `/code` or `/password` would. Text
   * holding a secret (a `/password` command, or the password a login waits
   * for) is first handed to `beforeSecret`, for the platform to delete the
   * message before it is used.
   */
  async handle(identity: ChatIdentity, text: string, botUsername?: string, beforeSecret?: () => Promise<void>): Promise<BotReply | null> {
    const caller = await this.#caller(identity);
    let decision = decideCommand(text, callerKind(caller), botUsername);
    let secret: boolean;
    if (decision.kind === 'ignore' && caller !== null && !text.trimStart().startsWith('/')) {
      const step = await this.#login.waitsFor(caller.userId, identity);
      if (step !== null) decision = { kind: 'run', command: findCommand(step)!, args: [text] };
      secret = step === 'password';
    } else {
      const parsed = parseCommand(text, botUsername);
      secret = parsed.kind === 'command' && parsed.command.name === 'password';
    }
    if (secret) await beforeSecret?.();
    return this.#answer(identity, caller, decision);
  }

  /**
   * The page a page button asks for (page-nav.ts), through the same role
   * check and command gate as the list's command. A refusal is a short
   * text, for the platform to show by the button rather than in place of
   * the list.
   */
  async handlePage(identity: ChatIdentity, data: string): Promise<{ kind: 'page'; reply: BotReply } | { kind: 'refused'; text: string }> {
    const asked = readPageData(data);
    if (asked === null) return { kind: 'refused', text: 'This button no longer works: send the command again.' };
    const caller = await this.#caller(identity);
    const decision = decideParsed({ name: asked.list, args: [] }, callerKind(caller));
    if (decision.kind !== 'run') return { kind: 'refused', text: decision.kind === 'reply' ? decision.reply.text : 'Not for you.' };
    try {
      await this.#gate.admit(caller!, asked.list);
      return { kind: 'page', reply: await this.#page(caller!, asked) };
    } catch (error) {
      if (!(error instanceof SwitchboardError)) throw error;
      return { kind: 'refused', text: error.message };
    }
  }

  /** The reply to a command the platform parsed already (a Discord slash command). */
  async handleParsed(identity: ChatIdentity, command: CommandText): Promise<BotReply> {
    const caller = await this.#caller(identity);
    return (await this.#answer(identity, caller, decideParsed(command, callerKind(caller))))!;
  }

  async #answer(identity: ChatIdentity, caller: Caller | null, decision: CommandDecision): Promise<BotReply | null> {
    if (decision.kind === 'ignore') return null;
    if (decision.kind === 'reply') return decision.reply;
    try {
      if (decision.command.name === 'link') return await this.#link(identity, decision.args[0]!);
      // Only linked callers get past the decision for the other commands.
      const linked = caller!;
      await this.#gate.admit(linked, decision.command.name);
      return await this.#run(decision.command, decision.args, linked, identity);
    } catch (error) {
      if (!(error instanceof SwitchboardError)) throw error;
      return say(error.message);
    }
  }

  /**
   * Whether the chat belongs to an active administrator now (for a menu of
   * commands that shows theirs); false when it is linked to nobody.
   */
  async isAdmin(identity: ChatIdentity): Promise<boolean> {
    const userId = await this.#links.userOf(identity.platform, identity.chatUserId);
    if (userId === null) return false;
    const user = await this.#ctx.orm.em.fork().findOne(User, { id: userId }, { fields: ['role', 'status'] });
    return user?.role === 'admin' && user.status === 'active';
  }

  async #caller(identity: ChatIdentity): Promise<Caller | null> {
    const userId = await this.#links.userOf(identity.platform, identity.chatUserId);
    if (userId === null) return null;
    const em = this.#ctx.orm.em.fork();
    const user = await em.findOne(User, { id: userId });
    if (user === null) return null;
    return { userId, email: user.email, role: user.role, status: user.status, plan: await planOf(em, userId, new Date(this.#ctx.now())) };
  }

  async #link(identity: ChatIdentity, code: string): Promise<RichText> {
    const link = await this.#links.redeem(identity, code);
    const user = await this.#ctx.orm.em.fork().findOne(User, { id: link.user.id });
    return new ReplyText().plain('Linked: this chat now acts as ').bold(user?.email ?? 'your account').plain('. /help lists what you can do here.').build();
  }

  async #run(command: CommandSpec, args: string[], caller: Caller, identity: ChatIdentity): Promise<BotReply> {
    const em = this.#ctx.orm.em.fork();
    switch (command.name) {
      case 'unlink':
        await this.#links.unlink(identity.platform, identity.chatUserId);
        return say('Unlinked: this chat no longer acts as your account. /link CODE ties it again.');
      case 'plan':
        return planReply(caller.plan, await this.#expiry(em, caller.userId));
      case 'login':
        return this.#login.start(caller.userId, identity, args[0]!);
      case 'code':
        return this.#login.code(caller.userId, identity, args[0]!);
      case 'password':
        return this.#login.password(caller.userId, identity, args[0]!);
      case 'resend':
        return this.#login.resend(caller.userId, identity);
      case 'usage': {
        const user = await em.findOneOrFail(User, { id: caller.userId });
        return usageReply(usageReport(caller.plan, await loadUserUsage(this.#ctx, em, user)));
      }
      case 'upgrade': {
        const options = upgradeOptions(caller.plan);
        const payment = await upgradePayment(this.#ctx, caller.userId, options.map((o) => o.plan.tier));
        return upgradeReply(caller.plan, options, payment.message, payment.checkout.map((l) => ({ plan: l.plan, period: l.period, url: l.url })));
      }
      case 'pairs':
        return args.length === 0 ? this.#page(caller, { list: 'pairs', page: 0, arg: '' }) : this.#steerPair(caller, args);
      case 'accounts':
        return accountsReply(await this.#accounts(em, caller.userId));
      case 'status':
        return statusReply(await this.#accounts(em, caller.userId), await this.#pairs(em, caller.userId));
      case 'users':
        return this.#page(caller, { list: 'users', page: 0, arg: args[0] ?? '' });
      case 'stats':
        return statsReply(await clusterStats(this.#ctx, new Date(this.#ctx.now())), await readSnapshots(this.#ctx.redis));
      case 'workers':
        return workersReply(await readSnapshots(this.#ctx.redis));
      default: {
        const reply = await new AdminCommands(this.#ctx, caller.userId, `bot:${identity.platform}`).run(command.name, args);
        if (reply === null) throw new Error(`command /${command.name} is in the catalogue but nothing runs it`);
        return reply;
      }
    }
  }

  /** Page `page` of a long list; a page past the end (the list shrank since) is its last. */
  async #page(caller: Caller, asked: { list: PagedList; page: number; arg: string }): Promise<BotReply> {
    const em = this.#ctx.orm.em.fork();
    if (asked.list === 'pairs') return pairsReply(await this.#pairs(em, caller.userId), asked.page);
    const search = asked.arg === '' ? undefined : asked.arg;
    const read = (page: number) => listUsers(this.#ctx, em, { ...(search === undefined ? {} : { email: search }), limit: PAGE_SIZE, offset: page * PAGE_SIZE }, new Date(this.#ctx.now()));
    let found = await read(asked.page);
    let page = asked.page;
    if (found.rows.length === 0 && found.total > 0) {
      page = clampPage(page, found.total);
      found = await read(page);
    }
    return usersReply(found.rows, found.total, search, page);
  }

  async #steerPair(caller: Caller, args: string[]): Promise<RichText> {
    const [action, ref] = args;
    if ((action !== 'pause' && action !== 'resume') || ref === undefined) return say('Usage: /pairs [pause|resume NAME]');
    const found = pairByRef(await this.#pairs(this.#ctx.orm.em.fork(), caller.userId), ref);
    if ('problem' in found) return say(found.problem);
    // The API's own write: the same plan rules (a resume over the plan's limit is refused) and the runtime is told.
    const pair = await updatePair(this.#ctx, caller.userId, found.pair.id, { status: action === 'pause' ? 'paused' : 'active' });
    return new ReplyText().bold(pair.name).plain(pair.status === 'paused' ? ' is paused.' : ' forwards again.').build();
  }

  async #expiry(em: EntityManager, userId: string): Promise<Date | null> {
    const row = await em.findOne(UserSubscription, { user: userId, status: { $in: [...CURRENT_SUBSCRIPTION_STATUSES] } });
    return row?.expiresAt ?? null;
  }

  async #pairs(em: EntityManager, userId: string): Promise<PairLine[]> {
    const rows = await em.find(ForwardingPair, { user: userId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    return rows.map((p) => ({
      id: p.id, name: p.name, status: p.status, pausedReason: p.pausedReason ?? null,
      notice: p.deliveryNotice === null || p.deliveryNotice === undefined ? null : { code: p.deliveryNotice.code, message: p.deliveryNotice.message },
    }));
  }

  async #accounts(em: EntityManager, userId: string): Promise<AccountLine[]> {
    const [telegram, discord] = await Promise.all([
      em.find(TelegramAccount, { user: userId }, { orderBy: { createdAt: 'asc' } }),
      em.find(DiscordAccount, { user: userId }, { orderBy: { createdAt: 'asc' } }),
    ]);
    return [
      ...telegram.map((a): AccountLine => ({ platform: 'telegram', name: a.displayName ?? a.phone, status: a.status, lastError: a.lastError ?? null })),
      ...discord.map((a): AccountLine => ({ platform: 'discord', name: a.botUsername, status: a.status, lastError: a.lastError ?? null })),
    ];
  }
}
