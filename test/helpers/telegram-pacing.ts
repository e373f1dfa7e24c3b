/**
 * Telegram pacing loose enough to hold nothing back, for suites that test
 * something else with more sends into one chat than Telegram allows (pacing
 * itself is tested in flood-pacer.test.ts, telegram-fake-flood.test.ts and
 * telegram-pacing.test.ts).
 */
import type { PacingOptions } from '../../src/runtime-contracts/platform-options.ts';

const LOOSE = { burst: 1_000, perSecond: 1_000 };

export const UNPACED_TELEGRAM: PacingOptions = { chat: LOOSE, group: LOOSE, account: LOOSE };
