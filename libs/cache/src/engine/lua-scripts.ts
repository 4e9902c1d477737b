/**
 * Each script is one atomic step on Redis, so an invalidation and a write can never interleave
 * half-way. The ledger: `m:seq` counts invalidations; `m:<scope>` holds the seq of the last
 * invalidation of a key, tag, namespace or of everything ('all'). Bus messages are published as
 * `<seq> <message>`: a receiver can tell the loads that began before the change from those after.
 */

/**
 * Write one entry and index it under its tags and namespace.
 * KEYS: seq, data, <nMarkers marker keys>, <index set keys>
 * ARGV: guard, payload, ttlMs, nMarkers, channel, message, markerTtlMs
 * guard >= 0: a loader's result, written only if no scope it touches was invalidated after the
 * loader started (its marker holds a seq above guard). guard < 0: an explicit set, which itself
 * counts as an invalidation of the key, so that loads already running cannot overwrite it.
 */
export const WRITE_SCRIPT = `
local guard = tonumber(ARGV[1])
local ttl = tonumber(ARGV[3])
local nm = tonumber(ARGV[4])
local seq = guard
if guard >= 0 then
  for i = 3, 2 + nm do
    local v = redis.call('GET', KEYS[i])
    if v and tonumber(v) > guard then return 0 end
  end
else
  seq = redis.call('INCR', KEYS[1])
  redis.call('SET', KEYS[3], seq, 'PX', ARGV[7])
end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ttl)
for i = 3 + nm, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[2])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
if ARGV[6] ~= '' then redis.call('PUBLISH', ARGV[5], seq .. ' ' .. ARGV[6]) end
return 1
`;

/**
 * Invalidate keys, tags and namespaces in one step: bump the ledger, then delete the entries.
 * Tag and namespace members come from their index sets: the keyspace is never scanned.
 * KEYS: seq, then pairs (marker, data key) x nKeys, (marker, index set) x (nTags + nNamespaces)
 * ARGV: markerTtlMs, channel, message, nKeys, nTags, nNamespaces
 * Returns: { seq, keys deleted, tag members deleted, namespace members deleted }
 */
export const INVALIDATE_SCRIPT = `
local seq = redis.call('INCR', KEYS[1])
local counts = { 0, 0, 0 }
local groups = { tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]) }
local i = 2
for g = 1, 3 do
  for _ = 1, groups[g] do
    redis.call('SET', KEYS[i], seq, 'PX', ARGV[1])
    if g == 1 then
      counts[1] = counts[1] + redis.call('UNLINK', KEYS[i + 1])
    else
      local members = redis.call('SMEMBERS', KEYS[i + 1])
      for j = 1, #members, 500 do
        counts[g] = counts[g] + redis.call('UNLINK', unpack(members, j, math.min(j + 499, #members)))
      end
      redis.call('UNLINK', KEYS[i + 1])
    end
    i = i + 2
  end
end
if ARGV[3] ~= '' then redis.call('PUBLISH', ARGV[2], seq .. ' ' .. ARGV[3]) end
return { seq, counts[1], counts[2], counts[3] }
`;

/** Mark everything invalidated (before a pattern or clear sweep). KEYS: seq, marker 'all'. ARGV: markerTtlMs */
export const BUMP_ALL_SCRIPT = `
local seq = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], seq, 'PX', ARGV[1])
return seq
`;

/** Release a lock only if we still hold it. KEYS: lock. ARGV: token */
export const RELEASE_LOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
