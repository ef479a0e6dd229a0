// The Redis side of RedisStore: one Lua script per store method, so each runs atomically in Redis.
// Every script gets the key prefix as ARGV[1] and answers one JSON string.
//
// Keys, under the prefix:
//   room:<room>        hash  nickKey → member JSON {nick, sid, session, proc, hold, graceEnd, since}
//   cap:<room>         the room's capacity
//   rooms              set of room names (for the room cap)
//   session:<token>    "room\nkey" of the seat the token resumes
//   socket:<sid>       "room\nkey" of the seat a connected socket holds
//   seq                counter ordering members by arrival
//   proc:<id>:alive    heartbeat of a signaling process, with a TTL
//   proc:<id>:seats    set of "room\nkey" whose socket that process held
//   procs              set of process ids that hold seats
//   pairq, pairq:info  list of waiting socket ids, and hash sid → {nick, key, proc}
// Accessing keys not passed in KEYS means standalone Redis (or a primary with replicas), not Cluster.

const PRELUDE = `
local P = ARGV[1]
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function procAlive(proc) return redis.call('EXISTS', P .. 'proc:' .. proc .. ':alive') == 1 end
-- Live: held within its grace, or connected through a process that still heartbeats. While
-- trustDead is false (just after an outage) a process without a heartbeat may be reconnecting.
local function isLive(m, t, trustDead)
  if m.hold ~= '' then return m.graceEnd > t end
  return (not trustDead) or procAlive(m.proc)
end
local function roomKey(room) return P .. 'room:' .. room end
local function seatRef(room, key) return room .. '\\n' .. key end
local function splitRef(raw)
  local i = string.find(raw, '\\n', 1, true)
  return string.sub(raw, 1, i - 1), string.sub(raw, i + 1)
end
local function getMember(room, key)
  local raw = redis.call('HGET', roomKey(room), key)
  if raw then return cjson.decode(raw) end
  return nil
end
local function putMember(room, key, m) redis.call('HSET', roomKey(room), key, cjson.encode(m)) end
local function attach(room, key, proc)
  redis.call('SADD', P .. 'procs', proc)
  redis.call('SADD', P .. 'proc:' .. proc .. ':seats', seatRef(room, key))
end
local function drop(room, key, m, reason)
  redis.call('HDEL', roomKey(room), key)
  redis.call('DEL', P .. 'session:' .. m.session)
  if m.sid ~= '' then redis.call('DEL', P .. 'socket:' .. m.sid) end
  redis.call('SREM', P .. 'proc:' .. m.proc .. ':seats', seatRef(room, key))
  if redis.call('HLEN', roomKey(room)) == 0 then
    redis.call('DEL', roomKey(room), P .. 'cap:' .. room)
    redis.call('SREM', P .. 'rooms', room)
  end
  return { room = room, nick = m.nick, socketId = m.sid, reason = reason }
end
local function evictDead(room, t, trustDead)
  local evicted = {}
  local all = redis.call('HGETALL', roomKey(room))
  for i = 1, #all, 2 do
    local m = cjson.decode(all[i + 1])
    if not isLive(m, t, trustDead) then table.insert(evicted, drop(room, all[i], m, 'disconnected')) end
  end
  return evicted
end
local function peersOf(room, exceptKey)
  local members = {}
  local all = redis.call('HGETALL', roomKey(room))
  for i = 1, #all, 2 do
    if all[i] ~= exceptKey then table.insert(members, cjson.decode(all[i + 1])) end
  end
  table.sort(members, function(a, b) return a.since < b.since end)
  local peers = {}
  for _, m in ipairs(members) do table.insert(peers, m.nick) end
  return peers
end
local function capacityOf(room, fallback) return tonumber(redis.call('GET', P .. 'cap:' .. room) or fallback) end
local function seatOfSocket(sid)
  local raw = redis.call('GET', P .. 'socket:' .. sid)
  if not raw then return nil end
  local room, key = splitRef(raw)
  local m = getMember(room, key)
  if not m or m.sid ~= sid then return nil end
  return room, key, m
end
`;

const script = (body: string): string => `${PRELUDE}\n${body}`;

export const LUA = {
  /** ARGV: prefix, proc, trustDead, sid, room, nick, key, session, capacity, maxRooms */
  claim: script(`
local proc, trustDead, sid, room, nick, key, session = ARGV[2], ARGV[3] == '1', ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local capacity, maxRooms = tonumber(ARGV[9]), tonumber(ARGV[10])
if redis.call('EXISTS', P .. 'socket:' .. sid) == 1 then return cjson.encode({ code = 'ALREADY_IN_ROOM' }) end
local evicted = evictDead(room, now(), trustDead)
local rk = roomKey(room)
if redis.call('HEXISTS', rk, key) == 1 then return cjson.encode({ code = 'NICK_TAKEN', evicted = evicted }) end
local size = redis.call('HLEN', rk)
local cap = capacity
if size > 0 then
  cap = capacityOf(room, capacity)
  if size >= cap then return cjson.encode({ code = 'ROOM_FULL', evicted = evicted }) end
elseif redis.call('SCARD', P .. 'rooms') >= maxRooms then
  return cjson.encode({ code = 'TOO_MANY_ROOMS', evicted = evicted })
else
  redis.call('SET', P .. 'cap:' .. room, cap)
  redis.call('SADD', P .. 'rooms', room)
end
local peers = peersOf(room, key)
local since = redis.call('INCR', P .. 'seq')
putMember(room, key, { nick = nick, sid = sid, session = session, proc = proc, hold = '', graceEnd = 0, since = since })
redis.call('SET', P .. 'session:' .. session, seatRef(room, key))
redis.call('SET', P .. 'socket:' .. sid, seatRef(room, key))
attach(room, key, proc)
return cjson.encode({ code = 'OK', evicted = evicted,
  claimed = { room = room, nick = nick, peers = peers, capacity = cap, session = session, replaced = '' } })
`),

  /** ARGV: prefix, proc, sid, session */
  resume: script(`
local proc, sid, session = ARGV[2], ARGV[3], ARGV[4]
if redis.call('EXISTS', P .. 'socket:' .. sid) == 1 then return cjson.encode({ code = 'ALREADY_IN_ROOM' }) end
local raw = redis.call('GET', P .. 'session:' .. session)
if not raw then return cjson.encode({ code = 'SESSION_INVALID' }) end
local room, key = splitRef(raw)
local m = getMember(room, key)
if not m or m.session ~= session then return cjson.encode({ code = 'SESSION_INVALID' }) end
if m.hold ~= '' and m.graceEnd <= now() then
  return cjson.encode({ code = 'SESSION_INVALID', evicted = { drop(room, key, m, 'disconnected') } })
end
local replaced = m.sid
if replaced ~= '' then redis.call('DEL', P .. 'socket:' .. replaced) end
if m.proc ~= proc then
  redis.call('SREM', P .. 'proc:' .. m.proc .. ':seats', raw)
  attach(room, key, proc)
end
m.sid, m.hold, m.graceEnd, m.proc = sid, '', 0, proc
putMember(room, key, m)
redis.call('SET', P .. 'socket:' .. sid, raw)
return cjson.encode({ code = 'OK',
  claimed = { room = room, nick = m.nick, peers = peersOf(room, key), capacity = capacityOf(room, 0), session = session, replaced = replaced } })
`),

  /** ARGV: prefix, sid */
  seatOf: script(`
local room, _, m = seatOfSocket(ARGV[2])
if not room then return cjson.encode({}) end
return cjson.encode({ seat = { room = room, nick = m.nick } })
`),

  /** ARGV: prefix, sid, toKey */
  route: script(`
local sid, toKey = ARGV[2], ARGV[3]
local room, _, from = seatOfSocket(sid)
if not room then return cjson.encode({ code = 'NOT_IN_ROOM' }) end
local target = getMember(room, toKey)
if not target or target.sid == sid then return cjson.encode({ code = 'PEER_NOT_FOUND' }) end
if target.sid == '' then return cjson.encode({ code = 'PEER_AWAY' }) end
return cjson.encode({ code = 'OK', from = from.nick, socketId = target.sid })
`),

  /** ARGV: prefix, sid */
  leave: script(`
local room, key, m = seatOfSocket(ARGV[2])
if not room then return cjson.encode({}) end
return cjson.encode({ departure = drop(room, key, m, 'left') })
`),

  /** ARGV: prefix, room, key */
  kick: script(`
local room, key = ARGV[2], ARGV[3]
local m = getMember(room, key)
if not m then return cjson.encode({}) end
return cjson.encode({ departure = drop(room, key, m, 'kicked') })
`),

  /** ARGV: prefix, sid, graceMs, holdId */
  hold: script(`
local sid = ARGV[2]
local room, key, m = seatOfSocket(sid)
if not room then return cjson.encode({}) end
redis.call('DEL', P .. 'socket:' .. sid)
m.sid, m.hold, m.graceEnd = '', ARGV[4], now() + tonumber(ARGV[3])
putMember(room, key, m)
return cjson.encode({ seat = { room = room, nick = m.nick } })
`),

  /** ARGV: prefix, room, key, holdId */
  expire: script(`
local room, key = ARGV[2], ARGV[3]
local m = getMember(room, key)
if not m or m.hold ~= ARGV[4] then return cjson.encode({}) end
return cjson.encode({ departure = drop(room, key, m, 'disconnected') })
`),

  /** ARGV: prefix. Frees dead seats of processes that stopped heartbeating, and their queued strangers. */
  sweep: script(`
local t = now()
local departures = {}
for _, proc in ipairs(redis.call('SMEMBERS', P .. 'procs')) do
  if not procAlive(proc) then
    local seats = P .. 'proc:' .. proc .. ':seats'
    for _, ref in ipairs(redis.call('SMEMBERS', seats)) do
      local room, key = splitRef(ref)
      local m = getMember(room, key)
      if not m or m.proc ~= proc then redis.call('SREM', seats, ref)
      elseif not isLive(m, t, true) then table.insert(departures, drop(room, key, m, 'disconnected')) end
    end
    if redis.call('SCARD', seats) == 0 then redis.call('SREM', P .. 'procs', proc) end
  end
end
local q, info = P .. 'pairq', P .. 'pairq:info'
for _, sid in ipairs(redis.call('LRANGE', q, 0, -1)) do
  local raw = redis.call('HGET', info, sid)
  if not raw or not procAlive(cjson.decode(raw).proc) then
    redis.call('LREM', q, 0, sid)
    redis.call('HDEL', info, sid)
  end
end
return cjson.encode({ departures = departures })
`),

  /** ARGV: prefix, proc, trustDead, sid, nick, key */
  matchOrQueue: script(`
local proc, trustDead, sid, nick, key = ARGV[2], ARGV[3] == '1', ARGV[4], ARGV[5], ARGV[6]
local q, info = P .. 'pairq', P .. 'pairq:info'
if redis.call('HEXISTS', info, sid) == 1 then return cjson.encode({ status = 'already' }) end
for _, other in ipairs(redis.call('LRANGE', q, 0, -1)) do
  local raw = redis.call('HGET', info, other)
  local s = raw and cjson.decode(raw)
  if not s or (trustDead and not procAlive(s.proc)) then
    redis.call('LREM', q, 0, other)
    redis.call('HDEL', info, other)
  elseif s.key ~= key then
    redis.call('LREM', q, 1, other)
    redis.call('HDEL', info, other)
    return cjson.encode({ status = 'match', stranger = { socketId = other, nick = s.nick, key = s.key } })
  end
end
redis.call('RPUSH', q, sid)
redis.call('HSET', info, sid, cjson.encode({ nick = nick, key = key, proc = proc }))
return cjson.encode({ status = 'queued' })
`),

  /** ARGV: prefix, sid */
  unqueue: script(`
redis.call('LREM', P .. 'pairq', 0, ARGV[2])
return cjson.encode({ removed = redis.call('HDEL', P .. 'pairq:info', ARGV[2]) == 1 })
`),
} as const;

export type ScriptName = keyof typeof LUA;
