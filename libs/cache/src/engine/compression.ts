import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { createDeflateRaw, createInflateRaw, type DeflateRaw, type InflateRaw } from 'node:zlib';

/**
 * Text crosses into and out of zlib in slices of this many characters (and bytes): converting
 * 5 MB between a string and UTF-8 or base64 in one call holds the event loop for 10-20 ms, a
 * slice for well under one. zlib itself runs on the libuv pool.
 */
const SLICE = 256 * 1024;

/**
 * A text, given as its pieces, deflated on the thread pool to base64, converted a slice per
 * turn of the loop (a slice of a flat piece is not a copy; one of joined pieces would be).
 */
export async function deflateToBase64(pieces: readonly string[]): Promise<string> {
  const zlib = createDeflateRaw();
  const output = collected(zlib);
  for (const text of pieces) {
    for (let start = 0; start < text.length;) {
      let end = Math.min(start + SLICE, text.length);
      // a surrogate pair stays whole: either half alone would be written as U+FFFD
      if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
      await written(zlib, Buffer.from(text.slice(start, end)));
      start = end;
    }
  }
  zlib.end();
  const bytes = await output;
  let base64 = '';
  // 3 bytes make 4 base64 characters: slices of a multiple of 3 bytes join without padding
  const step = SLICE - (SLICE % 3);
  for (let start = 0; start < bytes.length; start += step) {
    base64 += bytes.toString('base64', start, Math.min(start + step, bytes.length));
    if (start + step < bytes.length) await turn();
  }
  return base64;
}

/**
 * What deflateToBase64 made, from `offset` in `payload`, inflated back to text: the pieces it
 * was decoded in, one per turn of the loop.
 */
export async function inflateFromBase64(payload: string, offset: number): Promise<string[]> {
  const zlib = createInflateRaw({ chunkSize: SLICE });
  const decoder = new StringDecoder('utf8');
  const pieces: string[] = [];
  zlib.on('data', (chunk: Buffer) => pieces.push(decoder.write(chunk)));
  const ended = settled(once(zlib, 'end'));
  // 4 base64 characters make 3 bytes: slices of a multiple of 4 characters decode alone
  const step = SLICE - (SLICE % 4);
  for (let start = offset; start < payload.length; start += step) {
    await written(zlib, Buffer.from(payload.slice(start, start + step), 'base64'));
  }
  zlib.end();
  await ended;
  pieces.push(decoder.end());
  return pieces;
}

/** A chunk taken in by zlib: its callback, or the stream's error (bad data calls no callback). */
function written(zlib: DeflateRaw | InflateRaw, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    zlib.once('error', reject);
    zlib.write(chunk, (err) => {
      zlib.off('error', reject);
      if (err) reject(err);
      else resolve();
    });
  });
}

function collected(zlib: DeflateRaw): Promise<Buffer> {
  const parts: Buffer[] = [];
  zlib.on('data', (chunk: Buffer) => parts.push(chunk));
  return settled(once(zlib, 'end').then(() => Buffer.concat(parts)));
}

/** A promise that may be left unawaited when a write fails first (that write reports it). */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
