package org.yizhan.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine is pure: it depends on the JDK alone (the build's enforcer bans every other
 * dependency; this test guards the code), does no I/O and reads no clock.
 */
class ArchitectureTest {
  static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.yizhan.core");
  }

  @Test
  void core_dependsOnTheJdkAlone() {
    ArchRule rule =
        classes()
            .that()
            .resideInAPackage("org.yizhan.core..")
            .should()
            .onlyDependOnClassesThat()
            .resideInAnyPackage(
                "org.yizhan.core..", "java.lang..", "java.util..", "java.math..", "java.time..");
    rule.check(core);
  }

  @Test
  void core_doesNoIo() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.io..", "java.nio..", "java.net..", "java.sql..")
        .check(core);
  }

  @Test
  void core_readsNoClock() {
    noClasses()
        .should()
        .callMethod(java.time.LocalDate.class, "now")
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(java.time.LocalDateTime.class, "now")
        .check(core);
  }

  @Test
  void model_doesNotDependOnTheEngine() {
    noClasses()
        .that()
        .resideInAPackage("org.yizhan.core.model..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.yizhan.core.engine..", "org.yizhan.core.policy..")
        .check(core);
  }
}
