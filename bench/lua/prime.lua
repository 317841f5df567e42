-- Reads every id of BENCH_ID_FIRST..BENCH_IDS in turn (each connection its own stride), so
-- that each is read at least once (the last-known-good cache holds what was read).
local c = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local headers = c.api_headers()
headers["Content-Type"] = nil
setup = c.setup
local n = 0
function init(args) c.init_thread(); n = (tid or 1) - 1 end
function request()
  local span = c.ids - c.id_first + 1
  local id = c.id_first + (n % span)
  n = n + 2 -- two threads; within a thread wrk's connections take ids in turn
  return wrk.format("GET", string.format("%s%012d", c.ID_PREFIX, id), headers)
end
done = c.done
