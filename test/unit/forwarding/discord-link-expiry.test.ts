import assert from 'node:assert/strict';
import { linkExpiresAt, linksToRenew } from '../../../src/forwarding/message/discord-link-expiry.ts';

const link = (exSeconds: number, path = 'a.png'): string =>
  `https://cdn.discordapp.com/attachments/1/2/${path}?ex=${exSeconds.toString(16)}&is=${(exSeconds - 86_400).toString(16)}&hm=ab12`;

describe('Discord attachment link expiry (pure)', () => {
  it('reads the expiry from ex (unix seconds, hex)', () => {
    assert.equal(linkExpiresAt(link(0x67a1b2c3)), 0x67a1b2c3 * 1000);
    assert.equal(linkExpiresAt('https://cdn.discordapp.com/attachments/1/2/a.png'), null, 'an unsigned link does not expire');
    assert.equal(linkExpiresAt('https://example.com/a.png?ex=zz'), null);
    assert.equal(linkExpiresAt('not a url'), null);
    assert.equal(linkExpiresAt(''), null);
  });

  it('picks the links expiring within the margin, once each, soonest first', () => {
    const now = 1_800_000_000_000;
    const soon = link(now / 1000 + 60, 'soon.png');
    const gone = link(now / 1000 - 10, 'gone.png');
    const later = link(now / 1000 + 7_200, 'later.png');
    assert.deepEqual(linksToRenew([soon, later, gone, soon, 'https://x/y.png'], now, 3_600_000), [gone, soon]);
    assert.deepEqual(linksToRenew([later], now, 3_600_000), []);
  });
});
