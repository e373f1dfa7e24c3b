/**
 * The native-BigInt long helpers give exactly what gramjs's own give, on
 * edge values and random ones, for every size and flag gramjs uses; and
 * once installed, gramjs's reader and writer run on them.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import bigInt from 'big-integer';
import { extensions } from 'telegram';
import { gramjsOriginal, installFastLongs, readBigIntFromBuffer, toSignedLittleBuffer } from '../../../src/telegram/gramjs-longs.ts';

const EDGES = [
  '00', '01', '7f', '80', 'ff',
  '0000000000000000', '0100000000000000', 'ffffffffffffffff', '0000000000000080', 'ffffffffffffff7f', '0000000000000000ff',
  '00112233445566778899aabbccddeeff', 'ffffffffffffffffffffffffffffff80',
];

describe('gramjs long helpers on native BigInt', () => {
  it('read every buffer as gramjs does: sizes 1 to 32 and 256, both byte orders, signed and not', () => {
    const buffers = [...EDGES.map((h) => Buffer.from(h, 'hex'))];
    for (const size of [1, 2, 4, 7, 8, 9, 16, 32, 256]) for (let i = 0; i < 40; i++) buffers.push(randomBytes(size));
    for (const buffer of buffers) {
      for (const little of [true, false]) {
        for (const signed of [true, false]) {
          const want = gramjsOriginal.readBigIntFromBuffer(Buffer.from(buffer), little, signed);
          const got = readBigIntFromBuffer(Buffer.from(buffer), little, signed);
          assert.equal(got.toString(), want.toString(), `${buffer.toString('hex')} little=${little} signed=${signed}`);
          assert.equal(Object.getPrototypeOf(got), Object.getPrototypeOf(want));
        }
      }
    }
    assert.equal(readBigIntFromBuffer([1, 0, 0, 0, 0, 0, 0, 0]).toString(), '1', 'a plain array too');
  });

  it('does not change the buffer it reads', () => {
    const buffer = Buffer.from('0102030405', 'hex');
    readBigIntFromBuffer(buffer, true, true);
    assert.equal(buffer.toString('hex'), '0102030405');
  });

  it('write every value as gramjs does: negatives, the 64-bit edges, values wider than the bytes, numbers, strings, bigints', () => {
    const values: Array<bigInt.BigInteger | number | bigint | string> = [
      0, 1, -1, 255, 256, -256, 2 ** 53 - 1, -(2 ** 53), '9223372036854775807', '-9223372036854775808', '18446744073709551615',
      123456789012345678901234567890n, -5n, bigInt('-123456789123456789'), bigInt(42),
    ];
    for (let i = 0; i < 200; i++) values.push(gramjsOriginal.readBigIntFromBuffer(randomBytes(8), true, true));
    for (const value of values) {
      for (const size of [4, 8, 16, 32]) {
        assert.equal(toSignedLittleBuffer(value, size).toString('hex'), gramjsOriginal.toSignedLittleBuffer(value, size).toString('hex'), `${String(value)} in ${size}`);
      }
    }
  });

  it('installed, gramjs\'s reader and writer round-trip longs through them', () => {
    installFastLongs();
    const helpers = createRequire(import.meta.url)('telegram/Helpers.js') as Record<string, unknown>;
    assert.equal(helpers.readBigIntFromBuffer, readBigIntFromBuffer);
    assert.equal(helpers.toSignedLittleBuffer, toSignedLittleBuffer);
    const writer = new extensions.BinaryWriter(Buffer.alloc(0));
    writer.write(toSignedLittleBuffer(bigInt('-8070450532247928832')));
    const reader = new extensions.BinaryReader(writer.getValue());
    assert.equal(reader.readLong().toString(), '-8070450532247928832');
  });
});
