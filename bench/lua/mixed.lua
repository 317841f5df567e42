-- A mix of every kind of request: 50 % GET by id, 20 % POST incident (unique Idempotency-Key),
-- 15 % list 20, 15 % POST prompt. BENCH_COUNT_STATUS=1 counts every response status (the
-- frozen-database scenario counts its 500s; it costs wrk time per response).
local c = dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")
local post_body = c.read_file(os.getenv("BENCH_POST_BODY"))
local prompt_body = c.read_file(os.getenv("BENCH_PROMPT_BODY"))
local get_headers = c.api_headers()
get_headers["Content-Type"] = nil
local post_headers = c.api_headers()
local prompt_headers = c.api_headers({ Accept = "text/markdown" })
setup = c.setup
function init(args) c.init_thread() end
function request()
  local r = math.random()
  if r < 0.50 then
    return wrk.format("GET", c.random_id_path(), get_headers)
  elseif r < 0.70 then
    post_headers["Idempotency-Key"] = c.next_key()
    return wrk.format("POST", "/api/v1/incidents", post_headers, post_body)
  elseif r < 0.85 then
    return wrk.format("GET", "/api/v1/incidents?limit=20", get_headers)
  else
    return wrk.format("POST", "/api/v1/prompts", prompt_headers, prompt_body)
  end
end
if os.getenv("BENCH_COUNT_STATUS") == "1" then
  function response(status, hdrs, body) c.count_status(status) end
end
done = c.done
