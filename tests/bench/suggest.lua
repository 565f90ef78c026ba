-- suggest.lua - wrk script for make bench (tests/bench/run.sh).
--
--   wrk -t2 -c32 -d10s --latency -s suggest.lua URL -- BODIES
--     POSTs each line of BODIES (one JSON request body per line, written
--     by bench_suggest bodies) to /api/v1/suggest, cycling; each thread
--     starts at a different line.
--   wrk -t2 -c32 -d10s --latency -s suggest.lua URL -- PATHS get
--     GETs each line of PATHS (one request path per line, written by
--     bench_suggest paths), cycling: the public search, pages.
--   wrk -t2 -c32 -d10s --latency -s suggest.lua URL -- BODIES feedback
--     POSTs each line of BODIES to /api/v1/feedback instead (store.sh).
--   wrk -t2 -c32 -d10s --latency -s suggest.lua URL
--     GETs URL's path (the nginx floor), through the same script so both
--     runs pay the same per-request Lua cost.
--
-- done() prints one line for run.sh to parse:
--   bench: requests=N duration_us=N rps=X p50_us=N p90_us=N p99_us=N
--          max_us=N non2xx=N connect=N read=N write=N timeout=N

local counter = 0

-- Runs in the main Lua state: numbers the threads.
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local reqs = {}
local i = 0

-- Runs in each thread's Lua state: pre-formats every request once.
function init(args)
  local path = args[1]
  if path then
    local headers = { ["Content-Type"] = "application/json" }
    local get = args[2] == "get"
    local route = args[2] == "feedback" and "/api/v1/feedback" or "/api/v1/suggest"
    for line in io.lines(path) do
      if #line > 0 then
        if get then
          reqs[#reqs + 1] = wrk.format("GET", line)
        else
          reqs[#reqs + 1] = wrk.format("POST", route, headers, line)
        end
      end
    end
    if #reqs == 0 then
      error("suggest.lua: no request bodies in " .. path)
    end
  else
    reqs[1] = wrk.format(nil, nil)
  end
  i = ((id or 0) * 7919) % #reqs
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "bench: requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d " ..
    "max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, e.status, e.connect, e.read, e.write, e.timeout))
end
