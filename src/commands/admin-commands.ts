/**
 * The admin commands that change things, run through the same functions as
 * the admin API (api/admin/runtime-actions.ts, api/admin/user-actions.ts):
 * the same refusals, the same audit entries (marked with the bot they came
 * through, no address), the runtime told the same way. The caller is a
 * linked admin: the command gate checked the role.
 */
import type { ApiContext } from '../api/api-context.ts';
import type { AdminActor } from '../api/admin/admin-action.ts';
import { listDeadLetters, reassignSession, replayDeadLetters, sessionCommand } from '../api/admin/runtime-actions.ts';
import { changeUserPlan, setUserStatus, STATUS_VERBS } from '../api/admin/user-actions.ts';
import { User } from '../db/entities/user.ts';
import type { Tier } from '../domain/plans/plan-types.ts';
import type { RichText } from '../forwarding/message/neutral-message.ts';
import type { DeadLetter } from '../scheduler/store/task-codec.ts';
import { ReplyText } from './reply-text.ts';
import {
  deadLettersReply, planChangeReply, reassignReply, replayReply, sessionActionReply, userStatusReply, type ReplaySummary,
} from './replies/admin-action-replies.ts';

/** Dead letters shown by `/dead_letters`; the API lists the rest. */
const DEAD_LETTERS_SHOWN = 10;
const TIERS: readonly string[] = ['free', 'pro', 'elite'];
const SESSION_VERBS: readonly string[] = ['stop', 'pause', 'resume'];

const say = (text: string): RichText => new ReplyText().plain(text).build();

export class AdminCommands {
  readonly #ctx: ApiContext;
  readonly #actor: AdminActor;

  constructor(ctx: ApiContext, adminUserId: string, via: string) {
    this.#ctx = ctx;
    this.#actor = { userId: adminUserId, ip: null, via };
  }

  /** The reply to admin command `name`, or null when `name` is not one of these. */
  async run(name: string, args: readonly string[]): Promise<RichText | null> {
    switch (name) {
      case 'session': return this.#session(args[0]!, args[1]!);
      case 'reassign': {
        const outcome = await reassignSession(this.#ctx, this.#actor, args[0]!, args[1]!);
        return reassignReply(args[0]!, args[1]!, outcome.supervisorId);
      }
      case 'dead_letters': return this.#deadLetters(args);
      case 'suspend':
      case 'reactivate': return this.#status(name, args[0]!);
      case 'setplan': return this.#setPlan(args[0]!, args[1]!);
      default: return null;
    }
  }

  async #session(id: string, verb: string): Promise<RichText> {
    if (!SESSION_VERBS.includes(verb)) return say('Usage: /session ID stop|pause|resume');
    const v = verb as 'stop' | 'pause' | 'resume';
    const outcome = await sessionCommand(this.#ctx, this.#actor, id, v);
    return sessionActionReply(id, v, outcome.supervisorId);
  }

  async #deadLetters(args: readonly string[]): Promise<RichText> {
    if (args.length === 0) {
      const page = await listDeadLetters(this.#ctx, { limit: DEAD_LETTERS_SHOWN + 1, offset: 0 });
      return deadLettersReply(page.supervisorId, page.items as DeadLetter[], DEAD_LETTERS_SHOWN, this.#ctx.now());
    }
    if (args[0] !== 'replay' || args[1] === undefined) return say('Usage: /dead_letters [replay ID|all]');
    const outcome = await replayDeadLetters(this.#ctx, this.#actor, args[1] === 'all' ? 'all' : [args[1]]);
    return replayReply(outcome.result as ReplaySummary);
  }

  async #status(verb: 'suspend' | 'reactivate', email: string): Promise<RichText> {
    const user = await this.#userByEmail(email);
    if (user === null) return say(`No user has the email ${email}. /users SEARCH finds them.`);
    const { user: after, changed } = await setUserStatus(this.#ctx, this.#actor, user.id, STATUS_VERBS.find((v) => v.verb === verb)!);
    return userStatusReply(after.email, after.status, changed);
  }

  async #setPlan(email: string, plan: string): Promise<RichText> {
    if (!TIERS.includes(plan)) return say('Usage: /setplan EMAIL free|pro|elite');
    const user = await this.#userByEmail(email);
    if (user === null) return say(`No user has the email ${email}. /users SEARCH finds them.`);
    // From the bot a plan has no end date: an expiry is set from the dashboard or the API.
    const { change } = await changeUserPlan(this.#ctx, this.#actor, user.id, plan as Tier, null);
    return planChangeReply(user.email, change.toPlan, change.paused.pausePairs.length, change.paused.pauseAccounts.length);
  }

  #userByEmail(email: string): Promise<{ id: string; email: string } | null> {
    return this.#ctx.orm.em.fork().findOne(User, { email: email.toLowerCase() }, { fields: ['id', 'email'] });
  }
}
