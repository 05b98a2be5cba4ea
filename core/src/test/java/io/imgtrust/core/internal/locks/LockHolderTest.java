package io.imgtrust.core.internal.locks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LockHolderTest {
  private static final long DEV = (0xfeL << 8) | 0x01; // st_dev of major 0xfe, minor 1

  @Test
  void deviceOf_glibcEncoding_printedAsProcLocksDoes() {
    assertThat(LockHolder.deviceOf(DEV)).isEqualTo("fe:01");
    assertThat(LockHolder.deviceOf((259L << 8) | 3)).isEqualTo("103:03");
  }

  @Test
  void pidIn_matchingDeviceAndInode_thatPidNotWaitersNorOtherFiles() {
    List<String> lines = List.of(
        "1: POSIX  ADVISORY  WRITE 100 fe:01:99 0 EOF",
        "2: POSIX  ADVISORY  WRITE 200 fe:01:4242 0 EOF",
        "2: -> POSIX  ADVISORY  WRITE 300 fe:01:4242 0 EOF");

    assertThat(LockHolder.pidIn(lines, DEV, 4242)).isEqualTo(OptionalLong.of(200));
  }

  @Test
  void pidIn_onlyInodeMatchesOnAnotherDevice_usedAsFallback() {
    List<String> lines = List.of("1: POSIX  ADVISORY  WRITE 77 00:2c:4242 0 EOF");

    assertThat(LockHolder.pidIn(lines, DEV, 4242)).isEqualTo(OptionalLong.of(77));
    assertThat(LockHolder.pidIn(lines, DEV, 242)).isEmpty();
  }

  @Test
  void pidIn_ofdLockWithoutOwner_empty() {
    assertThat(LockHolder.pidIn(List.of("1: OFDLCK ADVISORY  WRITE -1 fe:01:4242 0 EOF"), DEV, 4242)).isEmpty();
  }
}
