/**
 * Everything of the Telegram client that needs gramjs, gathered so the
 * client loads it on its first connect: gramjs costs about 13 MB of heap and
 * 40 MB of RSS, which threads that run no Telegram session should not pay.
 * Loading it also patches gramjs's update entry once for the thread
 * (gramjs-session.ts).
 */
export { Api } from 'telegram';
export { closeGram, connectGram, makeGramClient } from './gramjs-session.ts';
export { readFilePiece } from './file-read.ts';
export { readTopicTitle } from './forum-topic-io.ts';
export { catchUpOnConnect, locateChats } from './pump-io.ts';
export { makeConnection } from './session-connection.ts';
export { SessionMemory } from './session-memory.ts';
