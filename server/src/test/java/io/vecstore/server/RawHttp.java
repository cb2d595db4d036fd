package io.vecstore.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client over a plain loopback socket that sends exactly the bytes it is given (broken
 * request lines, raw non-ASCII paths, invalid header values, lying Content-Length, broken chunked
 * framing) and tells apart an answer from a connection that ended without one. One connection per
 * request, so a dropped connection is always this request's. Stateless; thread-safe.
 */
final class RawHttp {

  private RawHttp() {}

  /** What came back. */
  sealed interface Outcome permits Answer, NoAnswer {}

  /**
   * A complete response.
   *
   * @param headers lower-case names, values in order
   * @param writeFailed whether sending the request failed part way (the server answered early and closed)
   */
  record Answer(int status, String statusLine, Map<String, List<String>> headers, byte[] body, boolean writeFailed)
      implements Outcome {

    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.getFirst();
    }

    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    boolean closes() {
      String c = header("connection");
      return c != null && c.toLowerCase(Locale.ROOT).contains("close");
    }
  }

  /**
   * The connection ended (or timed out) before a complete response.
   *
   * @param reason {@code closed} (EOF before a status line), {@code reset}, {@code timeout},
   *     {@code truncated} (a status line but not the whole body), {@code garbled} (not HTTP)
   * @param received what arrived before that, if anything
   */
  record NoAnswer(String reason, String detail, byte[] received, boolean writeFailed) implements Outcome {}

  /**
   * Sends {@code request} to 127.0.0.1:{@code port} and reads one response.
   *
   * @param halfClose shut down the sending side after the request (so a server waiting for more
   *     body sees the end of the stream instead of waiting for its idle timeout)
   * @param head whether the request is a HEAD (a response without a body)
   */
  static Outcome exchange(int port, byte[] request, boolean halfClose, boolean head, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(timeoutMillis);
      socket.setTcpNoDelay(true);
      boolean writeFailed = false;
      try {
        OutputStream out = socket.getOutputStream();
        out.write(request);
        out.flush();
        if (halfClose) {
          socket.shutdownOutput();
        }
      } catch (IOException e) {
        writeFailed = true; // the server may have answered and closed early (e.g. 413): read what it sent
      }
      return read(new BufferedInputStream(socket.getInputStream()), head, writeFailed);
    } catch (IOException e) {
      return new NoAnswer("connect", e.toString(), new byte[0], false);
    }
  }

  private static Outcome read(InputStream in, boolean head, boolean writeFailed) {
    ByteArrayOutputStream seen = new ByteArrayOutputStream();
    try {
      while (true) {
        String statusLine = line(in, seen);
        if (statusLine == null) {
          return new NoAnswer("closed", "EOF before a status line", seen.toByteArray(), writeFailed);
        }
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
          return new NoAnswer("garbled", "not a status line: " + statusLine, seen.toByteArray(), writeFailed);
        }
        int status;
        try {
          status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
          return new NoAnswer("garbled", "not a status line: " + statusLine, seen.toByteArray(), writeFailed);
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String h; (h = line(in, seen)) != null && !h.isEmpty(); ) {
          int colon = h.indexOf(':');
          if (colon > 0) {
            headers.computeIfAbsent(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .add(h.substring(colon + 1).trim());
          }
        }
        if (status >= 100 && status < 200) {
          continue; // 100 Continue and friends: the real response follows
        }
        byte[] body;
        List<String> te = headers.getOrDefault("transfer-encoding", List.of());
        List<String> cl = headers.getOrDefault("content-length", List.of());
        if (head || status == 204 || status == 304) {
          body = new byte[0];
        } else if (!te.isEmpty() && te.getLast().toLowerCase(Locale.ROOT).contains("chunked")) {
          body = chunked(in, seen);
          if (body == null) {
            return new NoAnswer("truncated", "chunked body ended early after status " + status, seen.toByteArray(), writeFailed);
          }
        } else if (!cl.isEmpty()) {
          int n = Integer.parseInt(cl.getFirst());
          body = in.readNBytes(n);
          seen.write(body);
          if (body.length < n) {
            return new NoAnswer("truncated", "body " + body.length + " of " + n + " bytes after status " + status,
                seen.toByteArray(), writeFailed);
          }
        } else {
          body = in.readAllBytes();
          seen.write(body);
        }
        return new Answer(status, statusLine, headers, body, writeFailed);
      }
    } catch (SocketTimeoutException e) {
      return new NoAnswer("timeout", e.toString(), seen.toByteArray(), writeFailed);
    } catch (IOException e) {
      return new NoAnswer(seen.size() == 0 ? "reset" : "truncated", e.toString(), seen.toByteArray(), writeFailed);
    }
  }

  /** One CRLF-terminated line (ISO-8859-1), or null at EOF before any byte of it. */
  private static String line(InputStream in, ByteArrayOutputStream seen) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c; (c = in.read()) != -1; ) {
      seen.write(c);
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
      }
      b.write(c);
    }
    if (b.size() == 0) {
      return null;
    }
    throw new IOException("EOF in the middle of a line: " + b.toString(StandardCharsets.ISO_8859_1));
  }

  private static byte[] chunked(InputStream in, ByteArrayOutputStream seen) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String size = line(in, seen);
      if (size == null) {
        return null;
      }
      int n = Integer.parseInt(size.split(";", 2)[0].trim(), 16);
      if (n == 0) {
        for (String trailer; (trailer = line(in, seen)) != null && !trailer.isEmpty(); ) {
          // trailers are ignored
        }
        return body.toByteArray();
      }
      byte[] chunk = in.readNBytes(n);
      seen.write(chunk);
      body.write(chunk);
      if (chunk.length < n) {
        return null;
      }
      line(in, seen); // the CRLF after the chunk
    }
  }
}
