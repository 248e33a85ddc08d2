-- wrk script: single checks, GET /v1/check?email=… with a bearer key, each request a random
-- candidate from a values file (one raw value per line: noise and invalid rows included).
--
--   BENCH_VALUES=bench-data/…/values.txt VETO_API_KEY=… \
--     wrk -t1 -c64 -d30s -s bench/wrk_check.lua http://127.0.0.1:18080
--
-- done() prints one line "WRK_JSON {…}" with requests/s and latency percentiles (ms).

local values = {}
local n = 0

local function urlencode(s)
  return (s:gsub("[^%w%-%._~@]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function init(args)
  local file = os.getenv("BENCH_VALUES")
  local key = os.getenv("VETO_API_KEY")
  if not file or not key then
    error("set BENCH_VALUES and VETO_API_KEY")
  end
  for line in io.lines(file) do
    n = n + 1
    values[n] = "/v1/check?purpose=sales&email=" .. urlencode(line)
  end
  if n == 0 then
    error("no values in " .. file)
  end
  wrk.headers["Authorization"] = "Bearer " .. key
  math.randomseed(42)
end

function request()
  return wrk.format("GET", values[math.random(n)])
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_s":%.3f,"rps":%.1f,"mean_ms":%.3f,"stdev_ms":%.3f,' ..
    '"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"p999_ms":%.3f,"max_ms":%.3f,' ..
    '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,"errors_timeout":%d}\n',
    summary.requests, secs, summary.requests / secs, latency.mean / 1000, latency.stdev / 1000,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency:percentile(99.9) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
