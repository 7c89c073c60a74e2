-- wrk script: sends unique, correctly signed Jira deliveries prepared beforehand by
-- dev.tollgate.bench.PrepareDeliveries (no HMAC here: signing in Lua would make wrk the bottleneck).
--
--   wrk -t T -c C -d D --timeout 30s -s bench/wrk/deliveries.lua URL -- TEMPLATE_LUA DELIVERIES_TSV T
--
-- Thread i of T sends lines i, i+T, i+2T, ... of DELIVERIES_TSV, so no delivery goes twice. A thread
-- that runs out sends to /__bench_exhausted (counted as non-2xx, flagged "exhausted") rather than repeat
-- one. done() writes a JSON result (the LoadGenerator's fields) to $WRK_OUT, labelled $WRK_LABEL.

local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

local parts, kinds, actor, timestamp
local ids, issues, signatures = {}, {}, {}
local count, next_index = 0, 0
local headers = { ["Content-Type"] = "application/json" }
-- Globals, read by done() through thread:get().
built, responses, exhausted, statuses = 0, 0, 0, {}

function init(args)
  local template = dofile(args[1])
  parts, kinds, actor, timestamp = template.parts, template.kinds, template.actor, template.timestamp
  local every = tonumber(args[3])
  local line_no = 0
  for line in io.lines(args[2]) do
    if line_no % every == thread_index then
      local id, issue, signature = line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)$")
      count = count + 1
      ids[count], issues[count], signatures[count] = id, issue, signature
    end
    line_no = line_no + 1
  end
end

local function body(issue)
  local out = {}
  for i = 1, #kinds do
    out[#out + 1] = parts[i]
    local k = kinds:sub(i, i)
    if k == "A" then out[#out + 1] = actor
    elseif k == "T" then out[#out + 1] = timestamp
    else out[#out + 1] = issue end   -- I and C: the changelog id is the issue id
  end
  out[#out + 1] = parts[#parts]
  return table.concat(out)
end

function request()
  built = built + 1
  next_index = next_index + 1
  if next_index > count then
    exhausted = 1
    return wrk.format("POST", "/__bench_exhausted", headers, "")
  end
  headers["X-Hub-Signature"] = signatures[next_index]
  headers["X-Atlassian-Webhook-Identifier"] = ids[next_index]
  return wrk.format("POST", nil, headers, body(issues[next_index]))
end

function response(status, _, _)
  responses = responses + 1
  statuses[status] = (statuses[status] or 0) + 1
end

local function ms(us) return math.floor(us / 10 + 0.5) / 100 end

function done(summary, latency, _)
  local by_status, acked, non2xx, sent, received, ran_out = {}, 0, 0, 0, 0, false
  for _, t in ipairs(threads) do
    sent = sent + t:get("built")
    received = received + t:get("responses")
    if t:get("exhausted") == 1 then ran_out = true end
    for status, n in pairs(t:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + n
      if status >= 200 and status < 300 then acked = acked + n else non2xx = non2xx + n end
    end
  end
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  local status_json = {}
  for status, n in pairs(by_status) do status_json[#status_json + 1] = string.format('"%d": %d', status, n) end
  -- Built but not answered when wrk stopped (in flight at the end, or lost with a connection): the
  -- outcome is unknown to the client, as a timed-out request is to Jira.
  local unknown = math.max(0, sent - received)
  local json = string.format([[{
  "scenario": "%s", "generator": "wrk", "mode": "closed", "connections": %s, "target_rate_per_s": null,
  "duration_s": %.2f, "sent": %d, "completed": %d, "acked_2xx": %d, "non_2xx": %d, "errors": %d,
  "acked_per_s": %.1f, "exhausted": %s,
  "status_counts": {%s},
  "error_counts": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "unknown_outcome": %d},
  "latency_ms": {"p50": %.2f, "p90": %.2f, "p99": %.2f, "p99_9": %.2f, "max": %.2f, "mean": %.2f},
  "latency_basis": "actual send time (closed loop, wrk)"
}
]], os.getenv("WRK_LABEL") or "wrk", os.getenv("WRK_CONNECTIONS") or "null", seconds, sent, received,
    acked, non2xx, errors, acked / seconds, tostring(ran_out), table.concat(status_json, ", "),
    e.connect, e.read, e.write, e.timeout, unknown,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
    ms(latency:percentile(99.9)), ms(latency.max), ms(latency.mean))
  local out = assert(io.open(os.getenv("WRK_OUT"), "w"))
  out:write(json)
  out:close()
end
