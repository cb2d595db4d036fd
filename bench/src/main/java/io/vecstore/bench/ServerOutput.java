package io.vecstore.bench;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows the output of a server process the bench started: each line goes to a consumer, and the
 * port of the server's {@code listening on http://127.0.0.1:PORT} line completes a future (the
 * bench links none of the server's classes to learn it otherwise).
 *
 * <p>Thread-safety: each call starts one named daemon thread that reads until the output ends; the
 * consumer is called on that thread only.
 */
public final class ServerOutput {

  private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

  private ServerOutput() {}

  /**
   * Starts reading {@code process}'s output on a thread named {@code threadName}. The returned port
   * fails when the output ends (or cannot be read) before the listening line. {@code atEnd} is
   * closed when the output ends.
   */
  public static CompletableFuture<Integer> follow(Process process, String threadName, Consumer<String> eachLine, Closeable atEnd) {
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread.ofPlatform().daemon().name(threadName).start(() -> {
      try (Closeable end = atEnd;
          BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          eachLine.accept(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (IOException e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new IllegalStateException("the server's output ended"));
    });
    return port;
  }
}
