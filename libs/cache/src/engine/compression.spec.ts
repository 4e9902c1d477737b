import { inflateRawSync } from 'node:zlib';
import { deflateToBase64, inflateFromBase64 } from './compression';

describe('compression in slices', () => {
  // over four slices of 256 KiB; the emoji (a surrogate pair, 4 bytes of UTF-8) falls across
  // every slice and chunk boundary at some point, the odd 'é' shifts them
  const text = `é${'a😀'.repeat(400_000)}é`;

  it('deflates pieces to base64 that inflate back to their joined text', async () => {
    const base64 = await deflateToBase64([text.slice(0, 1000), text.slice(1000)]);
    expect(inflateRawSync(Buffer.from(base64, 'base64')).toString()).toBe(text);
  });

  it('inflates from an offset into the pieces it decoded, which join to the text', async () => {
    const payload = `Z${await deflateToBase64([text])}`;
    const pieces = await inflateFromBase64(payload, 1);
    expect(pieces.length).toBeGreaterThan(4);
    expect(pieces.join('')).toBe(text);
  });

  it('rejects data that is not deflate, or is cut short', async () => {
    const whole = `Z${await deflateToBase64([text])}`;
    await expect(inflateFromBase64(whole.slice(0, 1000), 1)).rejects.toThrow(/end of file/);
    await expect(inflateFromBase64('Z!!!!', 1)).rejects.toThrow();
    await expect(
      inflateFromBase64(`Z${Buffer.from('not deflate').toString('base64')}`, 1),
    ).rejects.toThrow();
  });
});
