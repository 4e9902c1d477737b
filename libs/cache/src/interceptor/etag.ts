import { createHash } from 'node:crypto';

/**
 * A weak ETag of a response body: a hash of its JSON (or of the string itself). Weak because
 * it identifies the value, not the exact bytes the platform sends (compression, serializers).
 */
export function weakEtag(body: unknown): string {
  const text = typeof body === 'string' ? body : (JSON.stringify(body) ?? '');
  return `W/"${createHash('sha1').update(text).digest('base64url')}"`;
}

/** If-None-Match with the weak comparison of RFC 9110 §13.1.2: `*`, or any listed tag. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = stripWeak(etag);
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || stripWeak(tag) === opaque;
  });
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
