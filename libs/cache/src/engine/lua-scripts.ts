/**
 * Each script is one atomic step on Redis, and each touches ONE key, so that every one of them
 * runs on a Redis Cluster whatever the prefix (no CROSSSLOT): an entry's data key, or the
 * ledger's hash (`<prefix>:v2:m`: the `seq` counter and one marker per invalidated scope, see
 * markers.ts). Entries are framed `<stamp> <meta>\n<payload>` (stored-entry.ts); the scripts
 * read the stamp from the first bytes only. Bus messages are published as `<seq> <message>`, from
 * the script that made the change, so a receiver can tell loads that began before it from later
 * ones, and a message is never sent for a change that did not happen.
 */

/**
 * Writes an entry unless the key holds a newer one: an explicit set or a delete (tombstone) that
 * came after the load began has a higher stamp, and a load's late result must not overwrite it.
 * KEYS: data. ARGV: stamp, framed value, ttlMs, channel, message ('' for none)
 */
export const WRITE_SCRIPT = `
local held = tonumber(string.match(redis.call('GETRANGE', KEYS[1], 0, 19), '^(%d+) '))
if held and held > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
if ARGV[5] ~= '' then redis.call('PUBLISH', ARGV[4], ARGV[1] .. ' ' .. ARGV[5]) end
return 1
`;

/**
 * Deletes an entry by leaving a tombstone for the guard window (unless a newer write is there).
 * KEYS: data. ARGV: seq, tombstone ttlMs, channel, message. Returns 1 if an entry was deleted.
 */
export const TOMBSTONE_SCRIPT = `
local held, kind = string.match(redis.call('GETRANGE', KEYS[1], 0, 19), '^(%d+) (.)')
if held and tonumber(held) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1] .. ' -', 'PX', ARGV[2])
if ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[3], ARGV[1] .. ' ' .. ARGV[4]) end
if held and kind ~= '-' then return 1 end
return 0
`;

/**
 * Counts an invalidation and records its markers: O(1) per tag, namespace or glob, however many
 * entries they cover. KEYS: ledger hash. ARGV: channel, message ('' for none), marker fields...
 * Returns the invalidation's seq.
 */
export const MARK_SCRIPT = `
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
if #ARGV > 2 then
  local t = redis.call('TIME')
  local value = string.format('%d:%d', seq, t[1] * 1000 + math.floor(t[2] / 1000))
  for i = 3, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], value) end
end
if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[1], seq .. ' ' .. ARGV[2]) end
return seq
`;

/**
 * Puts back markers (and the counter) that Redis lost, a restart or a failover to a replica that
 * lagged: each field keeps the higher seq of Redis's and ours. KEYS: ledger hash. ARGV: field,
 * value pairs.
 */
export const MERGE_MARKERS_SCRIPT = `
for i = 1, #ARGV, 2 do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  local have = cur and tonumber(string.match(cur, '^(%d+)')) or -1
  if tonumber(string.match(ARGV[i + 1], '^(%d+)')) > have then
    redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  end
end
return 1
`;

/**
 * Removes markers that nothing can need any more, unless set again meanwhile.
 * KEYS: ledger hash. ARGV: highest seq to remove, fields...
 */
export const PRUNE_MARKERS_SCRIPT = `
local removed = 0
for i = 2, #ARGV do
  local cur = redis.call('HGET', KEYS[1], ARGV[i])
  if cur and tonumber(string.match(cur, '^(%d+)')) <= tonumber(ARGV[1]) then
    removed = removed + redis.call('HDEL', KEYS[1], ARGV[i])
  end
end
return removed
`;

/** The reaper's delete: only if the entry is still the one it judged. KEYS: data. ARGV: stamp */
export const REAP_SCRIPT = `
if tonumber(string.match(redis.call('GETRANGE', KEYS[1], 0, 19), '^(%d+) ')) == tonumber(ARGV[1]) then
  return redis.call('UNLINK', KEYS[1])
end
return 0
`;

/** Release a lock only if we still hold it. KEYS: lock. ARGV: token */
export const RELEASE_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
