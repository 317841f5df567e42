-- Shared by every wrk script of bench/run.sh (loaded with dofile; wrk gives each thread its own
-- Lua state, so everything here exists once per thread).
--   AUTH_HEADER      "Name: value" added to every /api request (empty: none)
--   BENCH_WRK_OUT    where done() writes the summary as JSON for bench.py
--   BENCH_IDS        how many incidents were loaded (ids 1..N, see bench.py incident_id)
--   BENCH_ID_FIRST   first id of the random range (default 1)
--   BENCH_POST_BODY  file with the POST /api/v1/incidents body
--   BENCH_PROMPT_BODY file with the POST /api/v1/prompts body
--   BENCH_RUN        a token unique to this wrk run: part of every Idempotency-Key
local M = {}

M.ID_PREFIX = "/api/v1/incidents/00000000-0000-4000-8000-"

local function read_file(path)
  local f = assert(io.open(path, "rb"), "cannot read " .. tostring(path))
  local s = f:read("*a")
  f:close()
  return s
end
M.read_file = read_file

-- Headers for /api requests: JSON, and the bearer token when AUTH_HEADER is set.
function M.api_headers(extra)
  local h = { ["Content-Type"] = "application/json" }
  local auth = os.getenv("AUTH_HEADER")
  if auth and auth ~= "" then
    local name, value = auth:match("^%s*([^:]+):%s*(.-)%s*$")
    assert(name, "AUTH_HEADER must look like 'Name: value'")
    h[name] = value
  end
  for k, v in pairs(extra or {}) do h[k] = v end
  return h
end

-- Every thread gets a number (setup runs in the main state, once per thread).
local threads = {}
function M.setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function M.init_thread()
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  for _ = 1, 10 do math.random() end
end

M.ids = tonumber(os.getenv("BENCH_IDS") or "0")
M.id_first = tonumber(os.getenv("BENCH_ID_FIRST") or "1")

function M.random_id_path()
  return string.format("%s%012d", M.ID_PREFIX, math.random(M.id_first, M.ids))
end

-- A unique Idempotency-Key per request: run token, thread, counter.
local counter = 0
function M.next_key()
  counter = counter + 1
  return string.format("bench-%s-%d-%d", os.getenv("BENCH_RUN") or "x", tid or 0, counter)
end

-- Status counting (only scripts that define response() use it: it costs wrk time per response).
function M.count_status(status)
  local k = "s" .. tostring(status)
  statuses = statuses or {}
  statuses[k] = (statuses[k] or 0) + 1
end

local function json_escape(s)
  return (tostring(s):gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end))
end

function M.done(summary, latency, requests)
  local out = os.getenv("BENCH_WRK_OUT")
  if not out or out == "" then return end
  local statuses = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    if type(s) == "table" then
      for k, v in pairs(s) do statuses[k] = (statuses[k] or 0) + v end
    end
  end
  local parts = {}
  for k, v in pairs(statuses) do
    table.insert(parts, string.format('"%s": %d', json_escape(k:sub(2)), v))
  end
  local e = summary.errors
  local f = assert(io.open(out, "w"))
  f:write(string.format(
    '{"duration_us": %d, "requests": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"min": %d, "max": %d, "mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "p999": %d}, ' ..
    '"statuses": {%s}}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.max, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    table.concat(parts, ", ")))
  f:close()
end

return M
