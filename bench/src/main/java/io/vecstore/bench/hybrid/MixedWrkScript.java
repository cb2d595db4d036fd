package io.vecstore.bench.hybrid;

import io.vecstore.bench.querypath.Latency;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A wrk run of several request kinds interleaved on one connection: the script sends its POST
 * bodies in turn (query 1 as every kind, then query 2, …), so a burst of load from the rest of the
 * machine hits every kind alike, and times each request itself (from one {@code request()} call
 * to the next: the previous request's round trip; monotonic clock through LuaJIT's FFI, no
 * coordinated-omission correction), per kind. {@code done()} prints one line per kind,
 * {@value #MARKER} {@code kind=N count=… mean_us=… p50_us=… p99_us=… max_us=…}, and one with the
 * replies that were not 2xx and the socket errors.
 *
 * <p>Static methods only; thread-safe (each run its own process).
 */
final class MixedWrkScript {

  static final String MARKER = "VECSTORE-MIXED";

  private MixedWrkScript() {}

  /** A run's figures: per kind (in the order of {@code kinds}), and the failures. */
  record Result(Map<String, Latency> byKind, long failures) {}

  /** Writes the script: {@code bodies.get(i)} is sent as kind {@code kindOf[i]} (0-based). */
  static void write(Path file, String path, List<String> bodies, int[] kindOf, int kinds) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("-- VecStore hybrid bench: POST " + path + ", " + bodies.size() + " bodies of " + kinds + " kinds, interleaved\n");
      w.write("local path = \"" + path + "\"\nlocal nkinds = " + kinds + "\nlocal bodies = {\n");
      for (String body : bodies) {
        if (body.contains("]==]")) {
          throw new IllegalArgumentException("a body must not contain the Lua long-string end ]==], got: " + body);
        }
        w.write("[==[" + body + "]==],\n");
      }
      w.write("}\nlocal kinds = {");
      for (int k : kindOf) {
        w.write(k + ",");
      }
      w.write("}\n");
      w.write(LOGIC.replace("@MARKER@", MARKER));
    }
  }

  /** One run of {@code seconds} on one connection; fails when wrk does. */
  static Result run(Path script, String url, int seconds, List<String> kindNames) throws IOException, InterruptedException {
    List<String> command = List.of("wrk", "-t", "1", "-c", "1", "-d", seconds + "s", "--timeout", "10s", "-s",
        script.toString(), url);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(seconds + 120L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("wrk did not finish: " + String.join(" ", command));
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("wrk exited with status " + p.exitValue() + ": " + String.join(" ", command) + "\n" + out);
    }
    return parse(out, seconds, kindNames);
  }

  static Result parse(String out, double seconds, List<String> kindNames) {
    Map<String, Latency> byKind = new LinkedHashMap<>();
    long failures = -1;
    for (String line : out.lines().filter(l -> l.startsWith(MARKER + " ")).toList()) {
      Map<String, String> v = new HashMap<>();
      for (String pair : line.substring(MARKER.length() + 1).strip().split(" ")) {
        int eq = pair.indexOf('=');
        v.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
      if (v.containsKey("failures")) {
        failures = Long.parseLong(v.get("failures"));
      } else {
        long count = Long.parseLong(v.get("count"));
        String kind = kindNames.get(Integer.parseInt(v.get("kind")));
        byKind.put(kind, new Latency(Double.parseDouble(v.get("mean_us")), Double.parseDouble(v.get("p50_us")),
            Double.parseDouble(v.get("p99_us")), Double.parseDouble(v.get("max_us")), count / seconds, count));
      }
    }
    if (failures < 0 || byKind.size() != kindNames.size()) {
      throw new IllegalStateException("wrk's output lacks the script's " + MARKER + " lines (a line per kind and one "
          + "with the failures):\n" + out);
    }
    List<String> order = new ArrayList<>(kindNames);
    Map<String, Latency> ordered = new LinkedHashMap<>();
    order.forEach(k -> ordered.put(k, byKind.get(k)));
    return new Result(ordered, failures);
  }

  private static final String LOGIC = """
      local ffi = require("ffi")
      ffi.cdef[[
        typedef struct { long tv_sec; long tv_nsec; } vecstore_mixed_timespec;
        int clock_gettime(int clock_id, vecstore_mixed_timespec *tp);
      ]]
      local timespec = ffi.new("vecstore_mixed_timespec")
      local function now_us()
        ffi.C.clock_gettime(1, timespec)
        return tonumber(timespec.tv_sec) * 1000000 + tonumber(timespec.tv_nsec) / 1000
      end

      local threads = {}
      function setup(thread)
        table.insert(threads, thread)
      end

      local rendered = {}
      local next_request = 1
      local last_us = 0
      local last_kind = -1
      local calls = 0
      cycles = {}
      failures = 0

      function init(args)
        for i, body in ipairs(bodies) do
          rendered[i] = wrk.format("POST", path, {["Content-Type"] = "application/json"}, body)
        end
      end

      function response(status, headers, body)
        if status < 200 or status > 299 then
          failures = failures + 1
        end
      end

      function request()
        local t = now_us()
        calls = calls + 1
        -- wrk calls request() once to check it before the run: the first two intervals are skipped
        if calls > 2 and last_kind >= 0 then
          -- one flat table (wrk copies flat tables between threads): key = kind * 10^9 + microseconds
          local key = last_kind * 1000000000 + math.min(999999999, math.floor(t - last_us + 0.5))
          cycles[key] = (cycles[key] or 0) + 1
        end
        last_us = t
        last_kind = kinds[next_request]
        local r = rendered[next_request]
        next_request = next_request % #rendered + 1
        return r
      end

      function done(summary, latency, requests)
        local fails = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
            + summary.errors.status
        for _, thread in ipairs(threads) do
          fails = fails + (thread:get("failures") or 0)
        end
        for k = 0, nkinds - 1 do
          local merged = {}
          for _, thread in ipairs(threads) do
            for key, n in pairs(thread:get("cycles") or {}) do
              if math.floor(key / 1000000000) == k then
                local us = key % 1000000000
                merged[us] = (merged[us] or 0) + n
              end
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
          io.write(string.format("@MARKER@ kind=%d count=%d mean_us=%.3f p50_us=%d p99_us=%d max_us=%d\\n", k, count,
            count > 0 and sum / count or 0, percentile(50), percentile(99), #keys > 0 and keys[#keys] or 0))
        end
        io.write(string.format("@MARKER@ failures=%d\\n", fails))
      end
      """;
}
