package org.yizhan.gateway.insured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.yizhan.gateway.support.SmallPool.await;

import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.SmallPool;
import org.yizhan.gateway.support.TestData;

/**
 * The register's cache loads its misses gathered against PostgreSQL ({@link
 * EnrolmentCache#CURRENT_OF_GROUP}): the persons missed while a load is in flight are read by the
 * next, one statement, each getting their own current rows in order and a person with none an empty
 * list. To hold a load in flight without a sleep, the test's own transaction locks the table and
 * commits only once the others have queued: PostgreSQL makes the gateway's read wait for it.
 */
class GatheredEnrolmentsTest {
  static SmallPool pg;

  @BeforeAll
  static void start() {
    pg = SmallPool.start();
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  static String person(int i) {
    return TestData.idNo("445202", LocalDate.of(1980, 5, 1), 300 + i);
  }

  static void enrol(
      Connection c, String person, String scheme, String from, String to, boolean superseded)
      throws Exception {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO insured_enrolment (enrolment_id, version, person_id_no, admdvs, scheme,"
                + " valid_from, valid_to, contribution_year, contribution_status, recorded_at,"
                + " recorded_by, superseded_at) VALUES (?, 1, ?, '445202', ?, ?::date, ?::date,"
                + " 2018, 'PAID', now(), 'test', CASE WHEN ? THEN now() END)")) {
      p.setObject(1, UUID.randomUUID());
      p.setString(2, person);
      p.setString(3, scheme);
      p.setString(4, from);
      p.setString(5, to);
      p.setBoolean(6, superseded);
      p.execute();
    }
  }

  @Test
  void missesDuringALoad_goAsOneStatement_eachPersonWithTheirOwnRows_orNone() throws Exception {
    String held = person(1);
    String two = person(2);
    String one = person(3);
    String none = person(4);
    try (Connection c = pg.jdbc()) {
      enrol(c, held, "RESIDENT", "2018-01-01", null, false);
      enrol(c, two, "RESIDENT", "2018-01-01", null, false);
      enrol(c, two, "EMPLOYEE", "2017-01-01", "2017-12-31", false);
      enrol(c, two, "EMPLOYEE", "2016-01-01", null, true); // superseded: not current
      enrol(c, one, "EMPLOYEE", "2018-03-01", null, false);
    }
    EnrolmentCache cache = new EnrolmentCache(pg.vertx(), pg.pool(), 60);
    Future<List<Enrolled>> first;
    List<Future<List<Enrolled>>> gathered;
    try (Connection other = pg.jdbc()) {
      other.setAutoCommit(false);
      try (Statement s = other.createStatement()) {
        s.execute("LOCK TABLE insured_enrolment IN ACCESS EXCLUSIVE MODE");
      }
      first = cache.current(held); // in flight, waits for `other`
      gathered =
          List.of(cache.current(two), cache.current(one), cache.current(none), cache.current(two));
      assertThat(cache.loadsQueued()).as("the second read of a person joins its load").isEqualTo(3);
      other.commit();
    }
    assertThat(await(first)).extracting(Enrolled::scheme).containsExactly(Scheme.RESIDENT);
    List<Enrolled> ofTwo = await(gathered.get(0));
    assertThat(ofTwo)
        .extracting(Enrolled::validFrom)
        .containsExactly(LocalDate.of(2017, 1, 1), LocalDate.of(2018, 1, 1));
    assertThat(ofTwo)
        .extracting(Enrolled::scheme)
        .containsExactly(Scheme.EMPLOYEE, Scheme.RESIDENT);
    assertThat(ofTwo.get(0).validTo()).isEqualTo(LocalDate.of(2017, 12, 31));
    assertThat(await(gathered.get(1)))
        .extracting(Enrolled::validFrom)
        .containsExactly(LocalDate.of(2018, 3, 1));
    assertThat(await(gathered.get(2))).isEmpty();
    assertThat(await(gathered.get(3))).isEqualTo(ofTwo);
    assertThat(cache.loadRoundTrips()).as("one alone, then one for the group").isEqualTo(2);

    long hits = cache.hits();
    assertThat(await(cache.current(none))).as("'not enrolled' is cached too").isEmpty();
    assertThat(cache.hits()).isEqualTo(hits + 1);
    assertThat(cache.loadRoundTrips()).isEqualTo(2);
  }
}
