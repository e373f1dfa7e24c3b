/**
 * Everything of the Discord client that needs discord.js, gathered so the
 * client can load it on first connect: discord.js costs
 * about 15 MB of heap and 40 MB of RSS, which threads that run no Discord bot
 * should not pay.
 */
import { dropOrphanSocketErrors } from './orphan-socket-errors.ts';

export { Events, Status } from 'discord.js';
export { refreshAttachmentLinks } from './attachment-links.ts';
export { CATCH_UP_PAGE, messagesAfter } from './catch-up.ts';
export { ChannelDirectory } from './channel-directory.ts';
export { loginAndWait, makeDiscordClient, readSessionStarts, TokenRejectedError } from './discord-connection.ts';
export { restStatus } from './discord-rest.ts';
export { resumeAfterRateLimit } from './resume-after-rate-limit.ts';
// Checked with instanceof against what loginAndWait throws: taken from the same module graph as it.
export { DiscordIntentsDisallowedError, DiscordSessionStartsExhaustedError } from '../../../src/errors/registry.ts';
export { DiscordSender } from './discord-sender.ts';
export { isPostsOnly } from './forum-posts.ts';
export { forumMessagesAfter } from './forum-catch-up.ts';
export { WebhookDirectory } from './webhook-directory.ts';

// Installed with discord.js itself: only threads that run a bot need it.
dropOrphanSocketErrors();
