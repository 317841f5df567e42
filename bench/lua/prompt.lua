-- POST /api/v1/prompts with the seed's context (BENCH_PROMPT_BODY), markdown. Static request:
-- no Lua per request, as for the /q/health/live baseline.
local c = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
setup = c.setup
wrk.method = "POST"
wrk.path = "/api/v1/prompts"
wrk.headers = c.api_headers({ Accept = "text/markdown" })
wrk.body = c.read_file(os.getenv("BENCH_PROMPT_BODY"))
done = c.done
