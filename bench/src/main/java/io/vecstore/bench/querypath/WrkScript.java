package io.vecstore.bench.querypath;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the wrk Lua script of one measured request kind. Every kind, even {@code GET /health},
 * uses the same shape, so the client does the same work per request whatever is measured: the
 * requests are rendered once in {@code init()} ({@code wrk.format}) and {@code request()} hands
 * out the next one, rotating through the bodies (each wrk thread starts at its own offset).
 * {@code done()} prints one machine-readable line, {@value #MARKER} followed by
 * {@code key=value} pairs, which {@link Wrk} reads.
 *
 * <p>Run with the script argument {@code strict} (after {@code --}) it also defines
 * {@code response()}, counting every reply whose status is not 2xx; without it wrk skips header
 * and body parsing and counts only statuses above 399 ({@code errors.status}), which is the cheaper
 * client for the measured rounds.
 *
 * <p>Static methods only; thread-safe.
 */
public final class WrkScript {

  /** Starts the result line of {@code done()}. */
  static final String MARKER = "VECSTORE-WRK";

  private WrkScript() {}

  /**
   * Writes the script for {@code method path} with these bodies (one GET without body: a list
   * holding one null) into {@code file}.
   */
  public static void write(Path file, String method, String path, List<String> bodies) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("-- VecStore query-path bench: " + method + " " + path + ", " + bodies.size() + " request(s), rotated\n");
      w.write("local method = \"" + method + "\"\n");
      w.write("local path = \"" + path + "\"\n");
      w.write("local bodies = {\n");
      for (String body : bodies) {
        if (body == null) {
          w.write("false,\n");
        } else {
          if (body.contains("]==]")) {
            throw new IllegalArgumentException("a body must not contain the Lua long-string end ]==], got: " + body);
          }
          w.write("[==[");
          w.write(body);
          w.write("]==],\n");
        }
      }
      w.write("}\n");
      w.write(LOGIC);
    }
  }

  private static final String LOGIC = """
      -- wrk's own latency histogram is corrected for coordinated omission (wrk 4 adds synthetic
      -- samples for every stall before printing or calling done()); this script also times each
      -- request's full cycle itself (one connection per thread: from one request() call to the
      -- next), uncorrected, with the monotonic clock through LuaJIT's FFI.
      local ffi = require("ffi")
      ffi.cdef[[
        typedef struct { long tv_sec; long tv_nsec; } vecstore_timespec;
        int clock_gettime(int clock_id, vecstore_timespec *tp);
      ]]
      local timespec = ffi.new("vecstore_timespec")
      local CLOCK_MONOTONIC = 1
      local function now_us()
        ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
        return tonumber(timespec.tv_sec) * 1000000 + tonumber(timespec.tv_nsec) / 1000
      end

      local threads = {}
      local thread_count = 0

      function setup(thread)
        thread:set("thread_index", thread_count)
        thread_count = thread_count + 1
        table.insert(threads, thread)
      end

      local rendered = {}
      local next_request = 1
      local last_us = 0
      local calls = 0
      cycles = {}
      non2xx = 0

      local function count_status(status, headers, body)
        if status < 200 or status > 299 then
          non2xx = non2xx + 1
        end
      end

      function init(args)
        local headers = {}
        for i, body in ipairs(bodies) do
          if body then
            headers = {["Content-Type"] = "application/json"}
            rendered[i] = wrk.format(method, path, headers, body)
          else
            rendered[i] = wrk.format(method, path, headers, nil)
          end
        end
        -- each thread starts at its own body (a prime stride), so concurrent requests differ
        next_request = ((thread_index or 0) * 7919) % #rendered + 1
        if args[1] == "strict" then
          response = count_status
        end
      end

      function request()
        local t = now_us()
        calls = calls + 1
        -- wrk calls request() once before the run to check it (first thread only): the first
        -- two intervals are skipped so that check and connecting never count as a request
        if calls > 2 then
          local us = math.floor(t - last_us + 0.5)
          cycles[us] = (cycles[us] or 0) + 1
        end
        last_us = t
        local r = rendered[next_request]
        next_request = next_request % #rendered + 1
        return r
      end

      local function raw_stats()
        local merged = {}
        local strict = 0
        for _, thread in ipairs(threads) do
          strict = strict + (thread:get("non2xx") or 0)
          for us, n in pairs(thread:get("cycles") or {}) do
            merged[us] = (merged[us] or 0) + n
          end
        end
        local keys = {}
        local count, sum = 0, 0
        for us, n in pairs(merged) do
          keys[#keys + 1] = us
          count = count + n
          sum = sum + us * n
        end
        table.sort(keys)
        local function percentile(p)
          local rank = math.max(1, math.ceil(p / 100 * count))
          local seen = 0
          for _, us in ipairs(keys) do
            seen = seen + merged[us]
            if seen >= rank then
              return us
            end
          end
          return 0
        end
        local max = #keys > 0 and keys[#keys] or 0
        return strict, count, count > 0 and sum / count or 0, percentile(50), percentile(99), max
      end

      function done(summary, latency, requests)
        local strict, raw_count, raw_mean, raw_p50, raw_p99, raw_max = raw_stats()
        local e = summary.errors
        io.write(string.format(
          "@MARKER@ requests=%d duration_us=%d bytes=%d mean_us=%.3f stdev_us=%.3f min_us=%d p50_us=%d p90_us=%d " ..
          "p99_us=%d max_us=%d raw_count=%d raw_mean_us=%.3f raw_p50_us=%d raw_p99_us=%d raw_max_us=%d " ..
          "status_errors=%d non2xx_strict=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\\n",
          summary.requests, summary.duration, summary.bytes, latency.mean, latency.stdev, latency.min,
          latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
          raw_count, raw_mean, raw_p50, raw_p99, raw_max,
          e.status, strict, e.connect, e.read, e.write, e.timeout))
      end
      """.replace("@MARKER@", MARKER);
}
