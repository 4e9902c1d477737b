import type { AdminClient } from './admin-client';
import type { KeysPage } from './api-shapes';

/** Every page of GET /cache/keys for a glob, following the cursors until "0". */
export async function* pageThroughKeys(
  client: AdminClient,
  pattern: string,
  count: number,
): AsyncGenerator<KeysPage> {
  let cursor = '0';
  do {
    const page = await client.get<KeysPage>('/keys', { pattern, cursor, count });
    yield page;
    cursor = page.cursor;
  } while (cursor !== '0');
}

/** How many keys match, counting at most `limit` (then `capped`): clear shows it before asking. */
export async function countKeys(
  client: AdminClient,
  pattern: string,
  limit: number,
): Promise<{ count: number; capped: boolean }> {
  let count = 0;
  for await (const page of pageThroughKeys(client, pattern, 1000)) {
    count += page.keys.length;
    if (count >= limit) return { count, capped: page.cursor !== '0' };
  }
  return { count, capped: false };
}
