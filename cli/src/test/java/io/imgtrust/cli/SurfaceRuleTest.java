package io.imgtrust.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.imgtrust.core.testing.SurfaceRules;
import org.junit.jupiter.api.Test;

/** Every io.imgtrust class the command ships with (it depends on every backend) keeps to the public surface. */
class SurfaceRuleTest {
  @Test
  void everyImgtrustMainClass_usesNoCoreInternalsNorBouncyCastle() {
    JavaClasses classes = SurfaceRules.mainClasses("io.imgtrust");

    assertThat(classes.containPackage("io.imgtrust.cli")).isTrue();
    assertThat(classes.containPackage("io.imgtrust.backend.qcow2")).isTrue();
    assertThat(classes.containPackage("io.imgtrust.core.internal.ledger")).isTrue();
    SurfaceRules.check(classes);
  }
}
