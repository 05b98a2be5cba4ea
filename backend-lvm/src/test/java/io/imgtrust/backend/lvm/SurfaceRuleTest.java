package io.imgtrust.backend.lvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.imgtrust.core.testing.SurfaceRules;
import org.junit.jupiter.api.Test;

class SurfaceRuleTest {
  @Test
  void mainClasses_useNoCoreInternalsNorBouncyCastle() {
    JavaClasses classes = SurfaceRules.mainClasses("io.imgtrust.backend.lvm");

    assertThat(classes).isNotEmpty();
    SurfaceRules.check(classes);
  }
}
