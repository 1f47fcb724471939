-- wrk sends each prepared request exactly once (bench/_wrk.py writes the requests and reads
-- what this prints). Run as: wrk -t T -c T -s bench/_wrk.lua URL -- <requests file> T <sink port>
--
-- The file holds one request a line: method, path, body ("" for none), then "Name: value"
-- headers, separated by tabs. Thread k of T (one connection each) takes lines k, k+T, k+2T…
-- Printed, one line each (whole lines, so the threads' writes never interleave):
--   START <thread> <requests in its slice>     once the slice is read, before its first send
--   R <line> <status> [first 120 characters of the body, when the status is 300 or more]
--   S <line>                                   a resend (see below)
--   LAT <µs>:<count> …                         every latency wrk kept (when cheap to list: see done())
--   LATQ <µs> …                                 else 1,000 evenly spaced percentiles of them
--   DONE <answers> <p50 µs> <p95 µs> <max µs> <connect> <read> <write> <status> <timeout errors>
-- A thread stops itself after its last answer; wrk itself runs for a fixed duration, so
-- bench/_wrk.py ends it with SIGINT once every line is answered, and done() prints DONE.
--
-- The cursor moves on only when an answer arrives. wrk asks request() again when it reconnects
-- after a dropped connection, which so sends the first unanswered request again: the server
-- may have acted on the first copy (a ballot stored, its answer lost), and then the resend's
-- answer (a 409 "already voted") is the one recorded.
--
-- A thread with nothing left points its connection at the sink, a port bench/_wrk.py listens on
-- and never accepts from: wrk reconnects after an answer that closes the connection (gunicorn's
-- sync workers close every one) before the thread's loop ends, and a connection left open to
-- the server with no request on it would hold a sync worker until its timeout.

local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    fields[#fields + 1] = field
  end
  return fields
end

local function say(line)
  io.write(line .. "\n")
  io.flush()
end

local function finish()
  wrk.thread.addr = sink
  wrk.thread:stop()
end

function init(args)
  local path, count = args[1], tonumber(args[2])
  sink = wrk.lookup("127.0.0.1", args[3])[1]
  queue, cursor = {}, 1
  local n = 0
  for line in io.lines(path) do
    if n % count == id then
      local f = split(line)
      local headers = {}
      for i = 4, #f do
        local name, value = f[i]:match("^([^:]+):%s*(.*)$")
        headers[name] = value
      end
      local body = f[3] ~= "" and f[3] or nil
      queue[#queue + 1] = { line = n, raw = wrk.format(f[1], f[2], headers, body) }
    end
    n = n + 1
  end
  -- wrk calls thread 0's request() once before the run, to check what it returns; that call sends nothing.
  checked = id ~= 0
  if #queue == 0 then
    wrk.thread.addr = sink -- before the first connection: this thread sends nothing
  end
  say(string.format("START %d %d", id, #queue))
end

function request()
  local item = queue[cursor]
  if item == nil then
    -- Nothing left: an empty write sends nothing, and the thread's loop ends.
    finish()
    return ""
  end
  if not checked then
    checked = true
    return item.raw
  end
  if item.sent then
    say(string.format("S %d", item.line))
  end
  item.sent = true
  return item.raw
end

function response(status, headers, body)
  local item = queue[cursor]
  if item == nil then
    return
  end
  cursor = cursor + 1
  if status >= 300 and body then
    local text = body:sub(1, 120):gsub("%s+", " ")
    say(string.format("R %d %d %s", item.line, status, text))
  else
    say(string.format("R %d %d", item.line, status))
  end
  if queue[cursor] == nil then
    finish()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  -- Every latency seen (microseconds:count), so that runs sent in chunks merge: exactly when
  -- listing them is cheap (each latency(i) walks the histogram from its start: a chunk's few
  -- hundred answers), else as 1,000 evenly spaced percentiles (each walks it once).
  local distinct = #latency
  if distinct * (latency.max - latency.min + 1) <= 300000000 then
    local seen = {}
    for i = 1, distinct do
      local value, count = latency(i)
      if count > 0 then
        seen[#seen + 1] = string.format("%d:%d", value, count)
      end
    end
    say("LAT " .. table.concat(seen, " "))
  else
    local spaced = {}
    for i = 1, 1000 do
      spaced[i] = string.format("%d", latency:percentile((i - 0.5) / 10))
    end
    say("LATQ " .. table.concat(spaced, " "))
  end
  say(string.format(
    "DONE %d %.0f %.0f %.0f %d %d %d %d %d",
    summary.requests, latency:percentile(50), latency:percentile(95), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout
  ))
end
