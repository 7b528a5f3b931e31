package org.yizhan.gateway.identity;

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
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.support.SmallPool;
import org.yizhan.gateway.support.TestData;

/**
 * The identities' cache loads its misses gathered against PostgreSQL ({@link
 * IdentityDirectory#CURRENT_OF_GROUP}): the persons missed while a load is in flight are read by
 * the next, one statement, each getting the current identities their own managing office recorded
 * (another office's, or a superseded version, not), in the order recorded, and a person with none
 * an empty list. A load is held in flight by the test's transaction locking the table.
 */
class GatheredIdentitiesTest {
  static SmallPool pg;

  @BeforeAll
  static void start() {
    pg = SmallPool.start();
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  static void record(
      Connection c, String person, String office, String category, boolean superseded)
      throws Exception {
    try (PreparedStatement p =
        c.prepareStatement(
            "INSERT INTO person_identity (identity_id, version, person_id_no, office_code,"
                + " category, valid_from, confirmed, recorded_at, recorded_by, superseded_at)"
                + " VALUES (?, 1, ?, ?, ?, '2018-01-01', true, now(), 'test',"
                + " CASE WHEN ? THEN now() END)")) {
      p.setObject(1, UUID.randomUUID());
      p.setString(2, person);
      p.setString(3, office);
      p.setString(4, category);
      p.setBoolean(5, superseded);
      p.execute();
    }
  }

  @Test
  void missesDuringALoad_goAsOneStatement_eachPersonWithTheirManagingOfficesIdentities()
      throws Exception {
    LocalDate born = LocalDate.of(1975, 2, 1);
    String held = TestData.idNo("445202", born, 401);
    String two = TestData.idNo("445202", born, 402);
    String elsewhere = TestData.idNo("445281", born, 403);
    String none = TestData.idNo("445202", born, 404);
    try (Connection c = pg.jdbc()) {
      record(c, held, "445202", "DESTITUTE", false);
      record(c, two, "445202", "SUBSISTENCE", false);
      record(c, two, "445202", "DESTITUTE", true); // superseded
      record(c, two, "445281", "DESTITUTE", false); // another office's: does not count
      record(c, two, "445202", "ILLNESS_POOR", false);
      record(c, elsewhere, "445281", "REGISTERED_POOR", false);
      record(c, none, "445281", "DESTITUTE", false); // only another office's
    }
    IdentityDirectory directory = new IdentityDirectory(pg.vertx(), pg.pool(), 60);
    Future<List<Identity>> first;
    List<Future<List<Identity>>> gathered;
    try (Connection other = pg.jdbc()) {
      other.setAutoCommit(false);
      try (Statement s = other.createStatement()) {
        s.execute("LOCK TABLE person_identity IN ACCESS EXCLUSIVE MODE");
      }
      first = directory.current(held);
      gathered =
          List.of(directory.current(two), directory.current(elsewhere), directory.current(none));
      assertThat(directory.loadsQueued()).isEqualTo(3);
      other.commit();
    }
    assertThat(await(first))
        .extracting(Identity::category)
        .containsExactly(IdentityCategory.DESTITUTE);
    assertThat(await(gathered.get(0)))
        .extracting(Identity::category)
        .containsExactly(IdentityCategory.SUBSISTENCE, IdentityCategory.ILLNESS_POOR);
    assertThat(await(gathered.get(1)))
        .extracting(Identity::category)
        .containsExactly(IdentityCategory.REGISTERED_POOR);
    assertThat(await(gathered.get(2))).isEmpty();
    assertThat(directory.loadRoundTrips()).isEqualTo(2);
  }
}
