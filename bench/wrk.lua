-- wrk script for bench/run.mjs: paths in turn, random ids, or requests that never repeat, and a
-- JSON summary line at the end.
--   wrk ... -s bench/wrk.lua URL -- /a /b /c                the paths in turn
--   wrk ... -s bench/wrk.lua URL -- random /v2/x/ 1000      /v2/x/<0..999> at random
--   wrk ... -s bench/wrk.lua URL -- unique RUN /a /b        the paths in turn, each request with a
--                                                          query of its own (see bench/load.mjs)
local paths = {}
local prefix, count, run
local i = 0
local n = 0

function init(args)
  local first = 1
  if args[1] == "random" then
    prefix = args[2]
    count = tonumber(args[3])
    math.randomseed(os.time())
    return
  elseif args[1] == "unique" then
    run = args[2]
    first = 3
  end
  for k = first, #args do paths[#paths + 1] = args[k] end
end

function request()
  if prefix then
    return wrk.format(nil, prefix .. math.random(0, count - 1))
  end
  i = i % #paths + 1
  if run then
    -- Keep in step with uniqueQuery in bench/load.mjs.
    n = n + 1
    return wrk.format(nil, string.format("%s?page_start_id=%d&page_limit=%d&bench_request=%s-%d", paths[i], n % 50, 1 + n % 3, run, n))
  end
  return wrk.format(nil, paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
