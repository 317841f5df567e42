-- POST /api/v1/incidents with the same body (BENCH_POST_BODY) and a unique Idempotency-Key
-- per request: every request stores a new incident.
local c = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local body = c.read_file(os.getenv("BENCH_POST_BODY"))
local headers = c.api_headers()
setup = c.setup
function init(args) c.init_thread() end
function request()
  headers["Idempotency-Key"] = c.next_key()
  return wrk.format("POST", "/api/v1/incidents", headers, body)
end
done = c.done
