package io.imgtrust.glance;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.imgtrust.core.testing.SurfaceRules;
import org.junit.jupiter.api.Test;

/** The Glance client keeps to core's public surface (no core internals, no Bouncy Castle). */
class SurfaceRuleTest {
  @Test
  void glanceMainClasses_useNoCoreInternalsNorBouncyCastle() {
    JavaClasses classes = SurfaceRules.mainClasses("io.imgtrust");

    assertThat(classes.containPackage("io.imgtrust.glance")).isTrue();
    SurfaceRules.check(classes);
  }
}
