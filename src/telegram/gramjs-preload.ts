/**
 * Imported first by every thread entry that runs gramjs (the thread host,
 * the login step), so gramjs's faster long helpers (gramjs-longs.ts) are in
 * place before any module loads the `telegram` package: ES modules run
 * their imports in order, each to its end before the next begins.
 */
import { installFastLongs } from './gramjs-longs.ts';

installFastLongs();
