package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.common.net.HostAndPort;
import io.imgtrust.core.ImageTrustException;
import io.imgtrust.core.Reason;
import org.junit.jupiter.api.Test;

class MonitorAddressesTest {
  @Test
  void parse_v2AndV1OfEachMonitor_takesTheV2Address() throws Exception {
    assertThat(MonitorAddresses.parse("[v2:10.0.0.1:3300,v1:10.0.0.1:6789],[v1:10.0.0.2:6789,v2:10.0.0.2:3300]"))
        .containsExactly(HostAndPort.fromParts("10.0.0.1", 3300), HostAndPort.fromParts("10.0.0.2", 3300));
  }

  @Test
  void parse_onlyV1_takesIt() throws Exception {
    assertThat(MonitorAddresses.parse("[v1:127.0.0.1:6789/0]")).containsExactly(HostAndPort.fromParts("127.0.0.1",
        6789));
  }

  @Test
  void parse_plainListWithMixedSeparators_everyMonitorPortOnlyWhereGiven() throws Exception {
    assertThat(MonitorAddresses.parse("mon1:6789, mon2;10.0.0.3")).containsExactly(
        HostAndPort.fromParts("mon1", 6789), HostAndPort.fromString("mon2"), HostAndPort.fromString("10.0.0.3"));
  }

  @Test
  void parse_empty_noMonitors() throws Exception {
    assertThat(MonitorAddresses.parse("")).isEmpty();
  }

  @Test
  void parse_garbage_badConfig() {
    ImageTrustException e = catchThrowableOfType(ImageTrustException.class,
        () -> MonitorAddresses.parse("mon1:notaport"));

    assertThat(e.reason()).isEqualTo(Reason.BAD_CONFIG);
    assertThat(e.getMessage()).contains("mon1:notaport");
  }
}
