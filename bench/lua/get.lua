-- GET /api/v1/incidents/{id} with a random id of the loaded set (BENCH_ID_FIRST..BENCH_IDS).
local c = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local headers = c.api_headers()
headers["Content-Type"] = nil
setup = c.setup
function init(args) c.init_thread() end
function request() return wrk.format("GET", c.random_id_path(), headers) end
done = c.done
