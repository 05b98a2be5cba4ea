package io.imgtrust.backend.rbd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Glance's rbd store locations. */
class RbdLocationTest {
  @Test
  void parse_fourParts_namesClusterPoolImageAndSnapshot() {
    RbdLocation l = RbdLocation.parse("rbd://7f3a-11/images/0e1c%2Dx/snap").orElseThrow();

    assertThat(l.fsid).isEqualTo("7f3a-11");
    assertThat(l.toString()).isEqualTo("images/0e1c-x@snap");
    assertThat(l.inCluster("7F3A-11")).isTrue();
    assertThat(l.inCluster("7f3a-12")).isFalse();
  }

  @Test
  void parse_notAnRbdLocation_empty() {
    assertThat(RbdLocation.parse("file:///var/lib/glance/images/x")).isEmpty();
    assertThat(RbdLocation.parse("rbd://images/x")).isEmpty();
    assertThat(RbdLocation.parse("rbd://f/images/x/snap/extra")).isEmpty();
    assertThat(RbdLocation.parse("rbd://f//x/snap")).isEmpty();
    assertThat(RbdLocation.parse("rbd://f/images/x%zz/snap")).isEmpty();
  }
}
