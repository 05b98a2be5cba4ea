package io.imgtrust.glance;

import com.google.common.collect.ImmutableMap;
import com.google.common.hash.HashCode;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.ImageSource;
import io.imgtrust.core.io.SourceFailure;
import io.imgtrust.core.metadata.HashAlgorithm;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v2/images/{id}/file} as one unbroken stream of exactly the image's size. A connection that drops (or a
 * body that ends early) is resumed at the byte reached with {@code Range: bytes=N-}; a store that refuses ranges
 * (400) or ignores them (200) is read again from the start and the bytes already delivered are skipped, so the
 * reader's digests carry on. A resume carries {@code If-Range} with the first response's validator; a resumed response
 * that names other data (its ETag, Last-Modified or Content-Md5 differs) fails with {@code GLANCE_ERROR} and details
 * {@link #CHANGED}, never spliced on ({@link GlanceFetch} then starts again). The whole transfer must keep
 * {@code min_download_rate} ({@link Pace}) counting only the image's bytes delivered once (bytes read again and skipped
 * buy no time), so it ends within {@code read_timeout + size / rate}; a resume that delivers no new byte counts
 * against {@code num_retries}. {@code Content-Length} must be the image's size; {@code Content-Md5} (hex,
 * as Glance sends it) must be the image's md5 {@code checksum}, and is computed on the stream when the image has none.
 */
final class GlanceDownload implements ImageSource {
  private static final Logger log = LoggerFactory.getLogger(GlanceDownload.class);

  private final Transport transport;
  private final String path;
  private final long size;
  private final Optional<String> checksum;

  GlanceDownload(Transport transport, String path, long size, Optional<String> checksum) {
    this.transport = transport;
    this.path = path;
    this.size = size;
    this.checksum = checksum;
  }

  @Override
  public ReadableByteChannel open() throws ImageTrustException {
    Stream s = new Stream();
    s.connect();
    return s;
  }

  @Override
  public String describe() {
    return "glance " + path;
  }

  /** A {@link ImageTrustException#details()} key: true when the image changed mid-download (start the fill again). */
  static final String CHANGED = "changed_during_download";

  /** {@code Content-Length} of {@code a}, or the image's size when it has none. */
  private long contentLength(Transport.Answer a) throws ImageTrustException {
    Optional<String> h = a.header("Content-Length");
    try {
      return h.isEmpty() ? size : Long.parseLong(h.get().trim());
    } catch (NumberFormatException e) {
      throw Transport.failure(a.url, "malformed Content-Length '" + h.get() + "'");
    }
  }

  private final class Stream implements ReadableByteChannel {
    private final Pace pace = Pace.of(transport.settings(), describe());
    private BodyChannel body;
    private long offset;
    private long skip;
    private boolean ranges = true;
    private int failures;
    private MessageDigest md5;
    private String contentMd5;
    private Validator first;
    private boolean closed;

    void connect() throws ImageTrustException {
      Map<String, String> headers = new HashMap<>();
      if (offset > 0 && ranges) {
        headers.put("Range", "bytes=" + offset + "-");
        first.ifRange().ifPresent(v -> headers.put("If-Range", v));
      }
      Transport.Answer a = transport.get(path, headers);
      body = a.response.body();
      try {
        accept(a);
      } catch (ImageTrustException | RuntimeException e) {
        dropBody();
        throw e;
      }
    }

    private void accept(Transport.Answer a) throws ImageTrustException {
      String id = path.substring("/v2/images/".length(), path.length() - "/file".length());
      HttpGlanceClient.checkFound(a, id);
      if (a.status() == 204) {
        throw ImageTrustException.of(Reason.IMAGE_NOT_ACTIVE, "glance image " + id + " has no data (204)");
      }
      if (a.status() == 400 && offset > 0 && ranges) {
        log.info("GET {}: the store refuses ranges; downloading again from the start", a.url);
        ranges = false;
        body.close();
        connect();
        return;
      }
      if (a.status() != 200 && a.status() != 206) {
        throw Transport.failure(a.url, "HTTP " + a.status());
      }
      Validator v = Validator.of(a);
      if (first == null) {
        first = v;
      } else if (first.changedTo(v)) {
        throw changed(a, v);
      }
      if (a.status() == 206) {
        String want = "bytes " + offset + "-" + (size - 1) + "/" + size;
        if (!want.equals(a.header("Content-Range").orElse(""))) {
          throw Transport.failure(a.url, "Content-Range " + a.header("Content-Range").orElse("(none)")
              + ", asked for " + want);
        }
        skip = 0;
      } else {
        long length = contentLength(a);
        if (length != size) {
          throw ImageTrustException.of(Reason.SIZE_MISMATCH, "GET " + a.url + ": Content-Length " + length
              + ", the image has " + size + " bytes", ImmutableMap.of("expected", size, "actual", length));
        }
        skip = offset;
      }
      md5(a);
    }

    /** The bytes already delivered belong to another version: only a fill from the start can be correct. */
    private ImageTrustException changed(Transport.Answer a, Validator now) {
      return ImageTrustException.of(Reason.GLANCE_ERROR, "GET " + a.url + ": the image's data changed during the "
          + "download (" + first + ", now " + now + ") at byte " + offset + "; the fill must start again",
          ImmutableMap.of("url", a.url.toString(), CHANGED, true));
    }

    private void md5(Transport.Answer a) throws ImageTrustException {
      Optional<String> header = a.header("Content-Md5").map(h -> h.toLowerCase(Locale.ROOT));
      if (header.isEmpty() || contentMd5 != null) {
        return;
      }
      contentMd5 = header.get();
      if (checksum.isPresent() && !checksum.get().equalsIgnoreCase(contentMd5)) {
        throw ImageTrustException.of(Reason.DIGEST_MISMATCH, "GET " + a.url + ": Content-Md5 " + contentMd5
            + " is not the image's checksum " + checksum.get(), ImmutableMap.of("field", "Content-Md5",
                "expected", checksum.get(), "actual", contentMd5));
      }
      if (checksum.isEmpty() && offset == 0) {
        md5 = HashAlgorithm.MD5.newDigest();
      }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      if (closed) {
        throw new ClosedChannelException();
      }
      while (true) {
        if (offset == size) {
          finish();
          return -1;
        }
        try {
          pace.check(offset); // new bytes only: re-read and skipped ones buy no time
          if (body == null) {
            connect();
          }
          int n = skip > 0 ? skip() : take(dst);
          if (n > 0 || !dst.hasRemaining()) {
            return n;
          }
        } catch (SourceFailure e) {
          throw e;
        } catch (ImageTrustException e) {
          throw new SourceFailure(e);
        } catch (IOException e) {
          dropped(e);
        }
      }
    }

    /** Reads into {@code dst}, never past the image's size; 0 after skipping. */
    private int take(ByteBuffer dst) throws IOException {
      int room = (int) Math.min(dst.remaining(), size - offset);
      ByteBuffer view = dst.slice(dst.position(), room);
      int n = body.read(view);
      if (n < 0) {
        throw new IOException("the response ended at byte " + offset + " of " + size);
      }
      if (md5 != null) {
        md5.update(view.flip());
      }
      dst.position(dst.position() + n);
      offset += n;
      failures = 0;
      return n;
    }

    private int skip() throws IOException {
      ByteBuffer scratch = ByteBuffer.allocate((int) Math.min(skip, 1 << 20));
      int n = body.read(scratch);
      if (n < 0) {
        throw new IOException("the response ended while skipping to byte " + offset);
      }
      skip -= n;
      return 0;
    }

    private void dropped(IOException e) throws IOException {
      dropBody();
      failures++;
      if (failures > transport.settings().numRetries()) {
        throw new SourceFailure(ImageTrustException.wrap(Reason.GLANCE_ERROR, describe() + ": dropped at byte "
            + offset + " of " + size + " " + failures + " times; last: " + e.getMessage(), e));
      }
      log.warn("{}: {} at byte {} of {}; resuming (retry {} of {})", describe(), e.getMessage(), offset, size,
          failures, transport.settings().numRetries());
      try {
        transport.backoff(failures);
      } catch (ImageTrustException x) {
        throw new SourceFailure(x);
      }
    }

    private void finish() throws SourceFailure {
      if (md5 != null) {
        String got = HashCode.fromBytes(md5.digest()).toString();
        md5 = null;
        if (!got.equals(contentMd5)) {
          throw new SourceFailure(ImageTrustException.of(Reason.DIGEST_MISMATCH, describe() + ": md5 " + got
              + " is not the Content-Md5 " + contentMd5, ImmutableMap.of("field", "Content-Md5",
                  "expected", contentMd5, "actual", got)));
        }
      }
      dropBody();
    }

    @Override
    public boolean isOpen() {
      return !closed;
    }

    @Override
    public void close() {
      closed = true;
      dropBody();
    }

    private void dropBody() {
      if (body != null) {
        body.close();
        body = null;
      }
    }
  }
}
