-- GET /api/v1/incidents?limit=20: the first keyset page, newest first (the same query as
-- bench/pgbench/list.sql).
local c = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local headers = c.api_headers()
headers["Content-Type"] = nil
setup = c.setup
function init(args) c.init_thread() end
wrk.method = "GET"
wrk.path = "/api/v1/incidents?limit=20"
wrk.headers = headers
done = c.done
