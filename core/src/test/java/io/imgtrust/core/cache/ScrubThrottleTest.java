package io.imgtrust.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ScrubThrottleTest {
  private final AtomicLong now = new AtomicLong(-5_000_000_000L);
  private final List<Long> sleeps = new ArrayList<>();
  private final ScrubThrottle.Sleeper sleeper = n -> {
    sleeps.add(n);
    now.addAndGet(n);
  };

  @Test
  void awaitTurn_afterCharge_sleepsBytesOverRate() {
    ScrubThrottle t = ScrubThrottle.of(1000, now::get, sleeper);
    t.awaitTurn();
    t.charge(500);
    t.awaitTurn();
    t.charge(2000);
    t.awaitTurn();

    assertThat(sleeps).containsExactly(500_000_000L, 2_000_000_000L);
  }

  @Test
  void awaitTurn_hashingTookPartOfThePayment_sleepsOnlyTheRest() {
    ScrubThrottle t = ScrubThrottle.of(1000, now::get, sleeper);
    t.awaitTurn();
    now.addAndGet(400_000_000L);
    t.charge(1000);
    t.awaitTurn();

    assertThat(sleeps).containsExactly(600_000_000L);
  }

  @Test
  void awaitTurn_hashingSlowerThanRate_neverSleeps() {
    ScrubThrottle t = ScrubThrottle.of(1000, now::get, sleeper);
    for (int i = 0; i < 3; i++) {
      t.awaitTurn();
      now.addAndGet(2_000_000_000L);
      t.charge(1000);
    }
    t.awaitTurn();

    assertThat(sleeps).isEmpty();
  }

  @Test
  void awaitTurn_unlimited_neverSleeps() {
    ScrubThrottle t = ScrubThrottle.of(0, now::get, sleeper);
    t.awaitTurn();
    t.charge(Long.MAX_VALUE / 2);
    t.awaitTurn();

    assertThat(t.unlimited()).isTrue();
    assertThat(sleeps).isEmpty();
  }

  @Test
  void charge_withoutTurn_throws() {
    ScrubThrottle t = ScrubThrottle.of(1000, now::get, sleeper);

    assertThatThrownBy(() -> t.charge(1)).isInstanceOf(IllegalStateException.class);
  }
}
