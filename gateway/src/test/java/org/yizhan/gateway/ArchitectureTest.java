package org.yizhan.gateway;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway's layout, kept so (docs/architecture.md draws it): the composition root ({@code
 * org.yizhan.gateway}: Main, Gateway) on top; the front doors ({@code web}, {@code hospital},
 * {@code manager}, {@code nhsa}); the feature rooms, each owning its SQL ({@code settlement},
 * {@code ledger}, {@code identity}, {@code audit}, {@code security}, {@code inpatient}, {@code
 * insured}, {@code coverage}); the floor ({@code infra.*}, {@code config}, {@code metrics}).
 * Imports only go down.
 *
 * <p>Where the code of a file another change owns still breaks a rule, the exception is named here
 * with its reason, so it is removed, not forgotten, when that change lands.
 */
class ArchitectureTest {
  static final String ROOT = "org.yizhan.gateway";

  /** The front doors: the web plumbing and the three APIs on it. */
  static final String[] FRONT_DOORS = {
    ROOT + ".web..", ROOT + ".hospital..", ROOT + ".manager..", ROOT + ".nhsa.."
  };

  /** The APIs, which only the composition root wires. */
  static final String[] APIS = {ROOT + ".hospital..", ROOT + ".manager..", ROOT + ".nhsa.."};

  /** Where SQL may be written: the rooms' stores and the database floor. */
  static final String[] SQL_PLACES = {
    ROOT + ".settlement..",
    ROOT + ".ledger..",
    ROOT + ".identity..",
    ROOT + ".audit..",
    ROOT + ".security..",
    ROOT + ".inpatient..",
    ROOT + ".insured..",
    ROOT + ".coverage..",
    ROOT + ".simulation..",
    ROOT + ".oversight..",
    ROOT + ".policy..",
    ROOT + ".infra.db.."
  };

  /** SQL outside the rooms and the floor, named; none today (keep it so). */
  static final List<String> SQL_ALLOWED_ELSEWHERE = List.of();

  /** Reads of the wall clock outside the composition root, named; none today (keep it so). */
  static final List<String> CLOCK_READS_ALLOWED = List.of();

  static JavaClasses gateway;

  @BeforeAll
  static void importGateway() {
    gateway =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);
  }

  @Test
  void packages_formNoCycle() {
    slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(gateway);
  }

  @Test
  void onlyTheFrontDoors_useVertxWeb() {
    noClasses()
        .that(not(resideInAnyPackage(FRONT_DOORS)).and(not(inRoot())))
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.vertx.ext.web..")
        .check(gateway);
  }

  @Test
  void onlyTheCompositionRoot_importsTheApis() {
    noClasses()
        .that(not(resideInAnyPackage(APIS)).and(not(inRoot())))
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(APIS)
        .check(gateway);
  }

  @Test
  void theApis_doNotImportOneAnother() {
    for (String api : APIS) {
      noClasses()
          .that()
          .resideInAPackage(api)
          .should()
          .dependOnClassesThat(resideInAnyPackage(APIS).and(not(resideInAnyPackage(api))))
          .check(gateway);
    }
  }

  @Test
  void onlyTheFrontDoorsAndTheRoot_useTheWebPlumbing() {
    noClasses()
        .that(not(resideInAnyPackage(FRONT_DOORS)).and(not(inRoot())))
        .should()
        .dependOnClassesThat()
        .resideInAPackage(ROOT + ".web..")
        .check(gateway);
  }

  @Test
  void theFloor_importsNothingAbove() {
    noClasses()
        .that()
        .resideInAnyPackage(ROOT + ".infra..", ROOT + ".config..", ROOT + ".metrics..")
        .should()
        .dependOnClassesThat(
            resideInAnyPackage(ROOT + "..")
                .and(
                    not(
                        resideInAnyPackage(
                            ROOT + ".infra..", ROOT + ".config..", ROOT + ".metrics.."))))
        .check(gateway);
  }

  @Test
  void sql_isWrittenOnlyInTheRoomsAndTheFloor() {
    DescribedPredicate<JavaClass> elsewhere =
        not(resideInAnyPackage(SQL_PLACES)).and(not(named(SQL_ALLOWED_ELSEWHERE)));
    noClasses()
        .that(elsewhere)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.jooq..", ROOT + ".infra.db.schema..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(ROOT + ".infra.db.Sql")
        .orShould()
        .dependOnClassesThat()
        .areAssignableTo(Tuple.class)
        .orShould()
        .callMethod(SqlClient.class, "query", String.class)
        .orShould()
        .callMethod(SqlClient.class, "preparedQuery", String.class)
        .check(gateway);
  }

  @Test
  void onlyTheCompositionRoot_readsTheClock() {
    DescribedPredicate<JavaClass> outside = not(inRoot()).and(not(named(CLOCK_READS_ALLOWED)));
    noClasses()
        .that(outside)
        .should()
        .callMethod(Instant.class, "now")
        .orShould()
        .callMethod(LocalDate.class, "now")
        .orShould()
        .callMethod(LocalDate.class, "now", ZoneId.class)
        .orShould()
        .callMethod(LocalDateTime.class, "now")
        .orShould()
        .callMethod(LocalDateTime.class, "now", ZoneId.class)
        .orShould()
        .callMethod(OffsetDateTime.class, "now")
        .orShould()
        .callMethod(OffsetDateTime.class, "now", ZoneId.class)
        .orShould()
        .callMethod(ZonedDateTime.class, "now")
        .orShould()
        .callMethod(ZonedDateTime.class, "now", ZoneId.class)
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(Clock.class, "systemUTC")
        .orShould()
        .callMethod(Clock.class, "systemDefaultZone")
        .orShould()
        .callMethod(Clock.class, "system", ZoneId.class)
        .check(gateway);
  }

  /** The classes of the composition root package itself (not its sub-packages). */
  static DescribedPredicate<JavaClass> inRoot() {
    return DescribedPredicate.describe(
        "in the composition root " + ROOT, c -> c.getPackageName().equals(ROOT));
  }

  /** The classes named, with their nested and anonymous classes. */
  static DescribedPredicate<JavaClass> named(List<String> names) {
    if (names.isEmpty()) {
      return DescribedPredicate.alwaysFalse();
    }
    String any = String.join("|", names.stream().map(n -> n.replace(".", "\\.")).toList());
    return nameMatching("(" + any + ")(\\$.*)?").forSubtype();
  }
}
