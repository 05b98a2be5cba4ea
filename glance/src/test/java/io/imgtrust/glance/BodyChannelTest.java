package io.imgtrust.glance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BodyChannelTest {
  private static final int CLIENT_BUFFER = 16 << 10;

  private static final class Counting implements Flow.Subscription {
    final AtomicLong requested = new AtomicLong();

    @Override
    public void request(long n) {
      requested.addAndGet(n);
    }

    @Override
    public void cancel() {}
  }

  private static BodyChannel subscribed(Counting s) throws Exception {
    BodyChannel c = BodyChannel.handler(Duration.ofSeconds(5), "test").apply(null).getBody()
        .toCompletableFuture().get();
    c.onSubscribe(s);
    return c;
  }

  @Test
  void subscribe_requestsAtLeast8MiBOfClientBuffersAhead() throws Exception {
    Counting s = new Counting();
    subscribed(s);
    assertTrue(s.requested.get() * CLIENT_BUFFER >= 8L << 20, "requested " + s.requested.get() + " buffers");
  }

  @Test
  void read_takenBuffer_requestsOneMore_andDeliversBytes() throws Exception {
    Counting s = new Counting();
    BodyChannel c = subscribed(s);
    long before = s.requested.get();
    c.onNext(List.of(ByteBuffer.wrap(new byte[] {1, 2, 3})));
    c.onComplete();
    ByteBuffer dst = ByteBuffer.allocate(8);
    assertEquals(3, c.read(dst));
    assertEquals(before + 1, s.requested.get());
    assertEquals(-1, c.read(dst));
  }
}
