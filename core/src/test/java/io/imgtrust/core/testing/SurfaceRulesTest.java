package io.imgtrust.core.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.imgtrust.backend.fixture.CryptoBackend;
import io.imgtrust.backend.fixture.ReadingBackend;
import io.imgtrust.backend.fixture.SealingBackend;
import org.junit.jupiter.api.Test;

/** The surface rules fail on classes that break them, and pass on one that keeps them. */
class SurfaceRulesTest {
  @Test
  void noCoreInternals_backendImportingTheLedger_fails() {
    JavaClasses fixture = new ClassFileImporter().importClasses(SealingBackend.class);

    assertThatThrownBy(() -> SurfaceRules.NO_CORE_INTERNALS.check(fixture)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("SealingBackend").hasMessageContaining("io.imgtrust.core.internal.ledger");
  }

  @Test
  void noBouncyCastle_backendUsingIt_fails() {
    JavaClasses fixture = new ClassFileImporter().importClasses(CryptoBackend.class);

    assertThatThrownBy(() -> SurfaceRules.NO_BOUNCY_CASTLE.check(fixture)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("CryptoBackend").hasMessageContaining("org.bouncycastle");
  }

  @Test
  void check_backendReadingTheRecordView_passes() {
    JavaClasses fixture = new ClassFileImporter().importClasses(ReadingBackend.class);

    assertThatCode(() -> SurfaceRules.check(fixture)).doesNotThrowAnyException();
  }
}
