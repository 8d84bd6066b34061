-- POST /oauth2/token, grant_type=token-exchange, each request a different user access
-- token (read from the file BENCH_TOKENS, one per line): no exchanged JWT can be reused, so
-- every request signs. A thread stops when its share of the tokens is used up.
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do
  tokens[#tokens + 1] = line
end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("first", threads)
end

local body = "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange"
  .. "&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token"
  .. "&subject_token="
local headers = {
  ["Content-Type"] = "application/x-www-form-urlencoded",
  ["Authorization"] = "Basic " .. os.getenv("BENCH_BASIC"),
}

function init(args)
  stride = tonumber(os.getenv("THREADS") or "2")
  index = first
end

function request()
  local token = tokens[index]
  index = index + stride
  if token == nil then
    wrk.thread:stop()
    token = tokens[first]
  end
  return wrk.format("POST", nil, headers, body .. token)
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx: %d\n", summary.errors.status))
end
