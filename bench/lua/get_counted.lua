-- As get.lua, and counts every response status (used with the database stopped, where the
-- error count alone does not say whether answers came from the cache or failed).
local c = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local headers = c.api_headers()
headers["Content-Type"] = nil
setup = c.setup
function init(args) c.init_thread() end
function request() return wrk.format("GET", c.random_id_path(), headers) end
function response(status, hdrs, body) c.count_status(status) end
done = c.done
