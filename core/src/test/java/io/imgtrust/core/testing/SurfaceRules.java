package io.imgtrust.core.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The build rules of the public surface: what lies in {@code io.imgtrust.core.internal..} (the ledger, the host key,
 * record sealing, key handling) and Bouncy Castle are core's alone. Backends, the host library and the command may
 * use the SPI and the public core packages only, so no plugin can seal a record the cache would trust. Each module's
 * test checks these rules against its classes; the command's test checks every io.imgtrust class it ships with.
 */
public final class SurfaceRules {
  /** Nothing outside core reaches into core's internal packages. */
  public static final ArchRule NO_CORE_INTERNALS = noClasses()
      .that().resideInAnyPackage("io.imgtrust.backend..", "io.imgtrust.cli..", "io.imgtrust.host..",
          "io.imgtrust.glance..")
      .should().dependOnClassesThat().resideInAPackage("io.imgtrust.core.internal..")
      .because("the ledger, host key and sealing stay inside core (README: the public surface)");

  /**
   * Backends, the host library and the command do not use Bouncy Castle; the one exception is the demo's throwaway
   * PKI ({@code DemoPki}), which makes certificates, never checks them.
   */
  public static final ArchRule NO_BOUNCY_CASTLE = noClasses()
      .that().resideInAnyPackage("io.imgtrust.backend..", "io.imgtrust.cli..", "io.imgtrust.host..",
          "io.imgtrust.glance..")
      .and().doNotHaveSimpleName("DemoPki")
      .should().dependOnClassesThat().resideInAPackage("org.bouncycastle..")
      .because("cryptography is core's; Bouncy Castle types never cross its public surface");

  private SurfaceRules() {}

  /** The main classes of {@code packages} on the class path (no test classes, no test jars: fixtures break rules). */
  public static JavaClasses mainClasses(String... packages) {
    return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar")).importPackages(packages);
  }

  /** Checks both rules on {@code classes}; throws {@link AssertionError} listing every violation. */
  public static void check(JavaClasses classes) {
    NO_CORE_INTERNALS.check(classes);
    NO_BOUNCY_CASTLE.check(classes);
  }
}
