package io.imgtrust.glance;

import com.google.common.collect.ImmutableMap;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import io.imgtrust.core.io.SourceFailure;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ReadableByteChannel;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as a blocking channel that never hangs: a read that receives nothing for the read timeout fails
 * with {@code GLANCE_ERROR} (as a {@link SourceFailure}) and cancels the response. A body that ends early or whose
 * connection drops fails with a plain {@link IOException} (the download resumes). At most {@link #AHEAD} lists of
 * buffers (about 8 MiB with the client's 16 KiB buffers) are requested ahead of the reader, so the socket is still
 * read while the reader's consumers (digests, the file write) are busy; a smaller window stalls the sender.
 */
final class BodyChannel implements HttpResponse.BodySubscriber<BodyChannel>, ReadableByteChannel {
  static final int AHEAD = 512;
  private static final List<ByteBuffer> END = List.of();

  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Duration readTimeout;
  private final String what;
  private volatile Flow.Subscription subscription;
  private Iterator<ByteBuffer> current = END.iterator();
  private ByteBuffer buffer;
  private boolean ended;
  private boolean closed;

  private BodyChannel(Duration readTimeout, String what) {
    this.readTimeout = readTimeout;
    this.what = what;
  }

  /** A handler whose body is such a channel. */
  static HttpResponse.BodyHandler<BodyChannel> handler(Duration readTimeout, String what) {
    return info -> new BodyChannel(readTimeout, what);
  }

  @Override
  public CompletionStage<BodyChannel> getBody() {
    return CompletableFuture.completedFuture(this);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(AHEAD);
  }

  @Override
  public void onNext(List<ByteBuffer> item) {
    queue.add(item);
  }

  @Override
  public void onError(Throwable t) {
    queue.add(t);
  }

  @Override
  public void onComplete() {
    queue.add(END);
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (closed) {
      throw new ClosedChannelException();
    }
    int n = 0;
    while (dst.hasRemaining()) {
      if (buffer == null || !buffer.hasRemaining()) {
        if (!next(n == 0)) {
          break;
        }
        continue;
      }
      int len = Math.min(dst.remaining(), buffer.remaining());
      ByteBuffer slice = buffer.slice(buffer.position(), len);
      dst.put(slice);
      buffer.position(buffer.position() + len);
      n += len;
    }
    return n == 0 && ended ? -1 : n;
  }

  /** Moves to the next buffer; waits (at most the read timeout) only when {@code block}. False: none (yet). */
  private boolean next(boolean block) throws IOException {
    if (current.hasNext()) {
      buffer = current.next();
      return true;
    }
    if (ended) {
      return false;
    }
    Object item = block ? poll() : queue.poll();
    if (item == null) {
      return false;
    }
    if (item == END) {
      ended = true;
      return false;
    }
    if (item instanceof Throwable) {
      ended = true;
      Throwable t = (Throwable) item;
      throw t instanceof IOException ? (IOException) t : new IOException(String.valueOf(t.getMessage()), t);
    }
    @SuppressWarnings("unchecked")
    List<ByteBuffer> list = (List<ByteBuffer>) item;
    current = list.iterator();
    subscription.request(1);
    return true;
  }

  private Object poll() throws IOException {
    try {
      Object item = queue.poll(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
      if (item == null) {
        close();
        throw new SourceFailure(ImageTrustException.of(Reason.GLANCE_ERROR, what + ": no data for "
            + readTimeout.toSeconds() + " s (read_timeout); the download stalled",
            ImmutableMap.of("read_timeout_seconds", readTimeout.toSeconds())));
      }
      return item;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new java.io.InterruptedIOException("download interrupted");
    }
  }

  /**
   * The whole body, which must fit in {@code max} bytes and keep {@code minRate} bytes per second after the read
   * timeout ({@link Pace}; 0 = no floor); {@code GLANCE_ERROR} naming {@code what} when it is larger or slower.
   */
  byte[] readAll(int max, long minRate) throws IOException, ImageTrustException {
    Pace pace = new Pace(readTimeout, minRate, what);
    ByteBuffer buf = ByteBuffer.allocate(Math.min(max, 64 << 10) + 1);
    while (read(buf) >= 0) {
      pace.check(buf.position());
      if (buf.position() > max) {
        close();
        throw ImageTrustException.of(Reason.GLANCE_ERROR, what + ": the response is larger than " + max
            + " bytes", ImmutableMap.of("max_bytes", max));
      }
      if (!buf.hasRemaining()) {
        buf = ByteBuffer.allocate(Math.min(max + 1, buf.capacity() * 2)).put(buf.flip());
      }
    }
    byte[] out = new byte[buf.position()];
    buf.flip().get(out);
    return out;
  }

  @Override
  public boolean isOpen() {
    return !closed;
  }

  @Override
  public void close() {
    closed = true;
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
  }
}
