-- wrk script for bench/run.mjs: paths in turn, or random ids, and a JSON summary line at the end.
--   wrk ... -s bench/wrk.lua URL -- /a /b /c          the paths in turn
--   wrk ... -s bench/wrk.lua URL -- random /v2/x/ 1000  /v2/x/<0..999> at random
local paths = {}
local prefix, count
local i = 0

function init(args)
  if args[1] == "random" then
    prefix = args[2]
    count = tonumber(args[3])
    math.randomseed(os.time())
  else
    for _, p in ipairs(args) do paths[#paths + 1] = p end
  end
end

function request()
  if prefix then
    return wrk.format(nil, prefix .. math.random(0, count - 1))
  end
  i = i % #paths + 1
  return wrk.format(nil, paths[i])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
