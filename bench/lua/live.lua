-- GET /q/health/live: the HTTP stack's own cost (the trivial endpoint baseline). Static request.
-- Not under /api: no AUTH_HEADER.
local c = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = c.setup
wrk.method = "GET"
wrk.path = "/q/health/live"
done = c.done
