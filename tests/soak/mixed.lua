-- wrk script for make soak: a mix of the server's traffic, every request
-- checked. Weights: suggest 45, API search 20, pages 25, feedback 5,
-- did-this-help 5.
local texts = {
  "how do i get the sim out of my iphone 13", "omg smashed my screen again how much 2 fix",
  "any branch near leeds open sunday", "still waiting for my refund", "where is my parcel",
  "can i keep my number if i switch", "phone wont turn on after update", "who won the match lol",
}
local queries = {"sim+tray", "refund", "deliv", "retrns+polcy", "opening+hours", "esim", "trade+in"}
local slugs = {"remove-sim-iphone", "cracked-screen", "refund-status", "find-a-store", "track-my-order"}
local n = 0
local function esc(s) return (s:gsub('"', '\\"')) end

request = function()
  n = n + 1
  local r = n % 20
  local t = texts[(n % #texts) + 1]
  if r < 9 then
    return wrk.format("POST", "/api/v1/suggest", {["Content-Type"] = "application/json"},
      '{"text":"' .. esc(t) .. '","author":"soak_test","limit":3}')
  elseif r < 13 then
    return wrk.format("GET", "/api/v1/search?q=" .. queries[(n % #queries) + 1])
  elseif r < 18 then
    if r % 2 == 0 then return wrk.format("GET", "/search?q=" .. queries[(n % #queries) + 1]) end
    return wrk.format("GET", "/help/" .. slugs[(n % #slugs) + 1])
  elseif r == 18 then
    return wrk.format("POST", "/api/v1/feedback", {["Content-Type"] = "application/json"},
      '{"text":"' .. esc(t) .. '","slug":"' .. slugs[(n % #slugs) + 1] .. '","action":"sent"}')
  end
  return wrk.format("POST", "/api/v1/helpful", {["Content-Type"] = "application/json"},
    '{"slug":"' .. slugs[(n % #slugs) + 1] .. '","helpful":true}')
end

local bad = 0
response = function(status, headers, body)
  if status >= 500 then bad = bad + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("soak: %d requests, %d non-2xx/3xx, %d errors (connect %d, read %d, write %d, timeout %d), p50 %.2f ms, p99 %.2f ms\n",
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
