package io.vecstore.http.routes;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import io.vecstore.http.dto.JsonCodec;
import io.vecstore.http.errors.HttpError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/** Reads a request body as JSON (our routes and the Pinecone-compatible ones): checks the content type and enforces the size limit while reading. */
public final class JsonBodies {

  private final long maxBytes;

  public JsonBodies(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  public JsonNode read(Context ctx) {
    return JsonCodec.parse(readBytes(ctx));
  }

  /** The body's bytes, after the content-type and size checks. */
  public byte[] readBytes(Context ctx) {
    String type = ctx.contentType();
    if (type != null && !isJson(type)) {
      throw HttpError.unsupportedMediaType(type);
    }
    long declared = ctx.contentLength();
    if (declared > maxBytes) {
      throw HttpError.payloadTooLarge(maxBytes);
    }
    return readCapped(ctx, declared);
  }

  /** Like {@link #read}, but an empty body is null (for routes whose body is optional). */
  public JsonNode readOptional(Context ctx) {
    byte[] body = readBytes(ctx);
    return body.length == 0 ? null : JsonCodec.parse(body);
  }

  private static boolean isJson(String contentType) {
    String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return base.equals("application/json") || base.endsWith("+json");
  }

  /**
   * Reads at most maxBytes; a chunked body that runs past the limit is a 413 too. A body of known
   * length is read straight into an array of that length (no growing buffer, no 64 KiB scratch
   * array per request).
   */
  private byte[] readCapped(Context ctx, long declared) {
    byte[] kept = io.vecstore.http.CachedBody.get(ctx);
    if (kept != null) {
      if (kept.length > maxBytes) {
        throw HttpError.payloadTooLarge(maxBytes);
      }
      return kept;
    }
    byte[] body = readStream(ctx, declared);
    io.vecstore.http.CachedBody.put(ctx, body); // a write refused as moved is forwarded with it
    return body;
  }

  private byte[] readStream(Context ctx, long declared) {
    try (InputStream in = ctx.bodyInputStream()) {
      if (declared >= 0) {
        byte[] body = in.readNBytes((int) declared);
        if (body.length < declared) {
          throw HttpError.unreadableBody(new java.io.EOFException("body ended after " + body.length + " of " + declared + " bytes"));
        }
        return body;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(8 * 1024);
      byte[] buf = new byte[8 * 1024];
      long total = 0;
      for (int n; (n = in.read(buf)) != -1; ) {
        total += n;
        if (total > maxBytes) {
          throw HttpError.payloadTooLarge(maxBytes);
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      // The body ended early or its framing is broken (a bad chunk, a Content-Length the client did
      // not send): the request is malformed, whatever the socket's own words for it.
      throw HttpError.unreadableBody(e);
    }
  }
}
