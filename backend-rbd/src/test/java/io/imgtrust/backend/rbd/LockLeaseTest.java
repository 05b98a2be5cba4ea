package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LockLeaseTest {
  private final AtomicLong nanos = new AtomicLong(1_000);
  private final Ticker ticker = new Ticker() {
    @Override
    public long read() {
      return nanos.get();
    }
  };

  private void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Test
  void expired_noRenewalWithinTheDurationLessItsMargin_expires() {
    LockLease lease = new LockLease(ticker, Duration.ofSeconds(10), ticker.read());

    advance(Duration.ofMillis(8_999));
    assertThat(lease.expired()).isFalse();
    advance(Duration.ofMillis(1));
    assertThat(lease.expired()).as("the 10%% margin is gone").isTrue();
  }

  @Test
  void expired_renewedInTime_heldFromTheStartOfTheRenewal() {
    LockLease lease = new LockLease(ticker, Duration.ofSeconds(3), ticker.read());

    advance(Duration.ofSeconds(1));
    long started = lease.now();
    advance(Duration.ofMillis(500));
    lease.renewed(started);
    advance(Duration.ofMillis(2_100));

    assertThat(lease.expired()).as("2.6 s after the renewal started, within 2.7 s").isFalse();
    advance(Duration.ofMillis(100));
    assertThat(lease.expired()).isTrue();
  }

  @Test
  void expired_renewalHungPastTheDuration_expiresThoughNoRenewalFailed() {
    LockLease lease = new LockLease(ticker, Duration.ofSeconds(3), ticker.read());

    advance(Duration.ofSeconds(1));
    lease.now(); // a renewal starts and never returns
    advance(Duration.ofSeconds(5));

    assertThat(lease.expired()).isTrue();
  }

  @Test
  void renewed_anOlderRequestSucceedingLate_doesNotMoveTheHoldBack() {
    LockLease lease = new LockLease(ticker, Duration.ofSeconds(3), ticker.read());
    long old = lease.now();
    advance(Duration.ofSeconds(2));
    lease.renewed(lease.now());

    lease.renewed(old);
    advance(Duration.ofSeconds(2));

    assertThat(lease.expired()).isFalse();
  }
}
