package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;

/**
 * A county's roster of 200,000 rows (issue 17 item 5: "accept at least 200,000 rows"), uploaded in
 * parts, previewed and confirmed, then the same file again (every row unchanged), timed. The
 * figures go to {@code target/roster-import-timing.txt} and docs/performance.md. {@code
 * -Dyizhan.roster.rows=N} changes the size.
 */
class RosterImportScaleTest {
  static final int ROWS = Integer.getInteger("yizhan.roster.rows", 200_000);

  static TestGateway gw;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    RosterImportsTest.gw = gw;
    RosterImportsTest.a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  @Test
  void twoHundredThousandRows_previewAndConfirm_thenUnchanged() throws IOException {
    StringBuilder csv = new StringBuilder(ROWS * 48);
    csv.append(RosterImportsTest.HEADER);
    String[] categories = {"特困", "低保", "建档立卡", "因病致贫"};
    for (int i = 0; i < ROWS; i++) {
      csv.append(TestData.idNo("445202", LocalDate.of(1940, 1, 1), i))
          .append(",姓名")
          .append(i % 1000)
          .append(',')
          .append(categories[i % 4])
          .append(",2018/1/1,")
          .append(i % 10 == 0 ? "2019/12/31" : "")
          .append(",是,\n");
    }
    byte[] file = csv.toString().getBytes(StandardCharsets.UTF_8);

    long t0 = System.nanoTime();
    String job = RosterImportsTest.upload(gw, file, 1 << 20);
    long t1 = System.nanoTime();
    JsonNode preview = RosterImportsTest.check(gw, job);
    long t2 = System.nanoTime();
    assertThat(preview.get("state").asText()).as(preview.toString()).isEqualTo("PREVIEW");
    assertThat(preview.get("registered").asInt()).isEqualTo(ROWS);
    assertThat(RosterImportsTest.post(gw, RosterImportsTest.JOBS + "/" + job + "/confirm").status())
        .isEqualTo(202);
    JsonNode applied = RosterImportsTest.await(gw, job, "APPLYING");
    long t3 = System.nanoTime();
    assertThat(applied.get("state").asText()).as(applied.toString()).isEqualTo("APPLIED");
    assertThat(gw.value("SELECT count(*) FROM person_identity WHERE superseded_at IS NULL"))
        .isEqualTo((long) ROWS);

    String again = RosterImportsTest.upload(gw, file, 1 << 20);
    long t4 = System.nanoTime();
    JsonNode same = RosterImportsTest.check(gw, again);
    long t5 = System.nanoTime();
    assertThat(same.get("unchanged").asInt()).isEqualTo(ROWS);
    assertThat(
            RosterImportsTest.post(gw, RosterImportsTest.JOBS + "/" + again + "/cancel").status())
        .isEqualTo(200);

    String line =
        String.format(
            "ROSTER_IMPORT rows=%d bytes=%d upload_ms=%d preview_ms=%d confirm_ms=%d"
                + " again_upload_ms=%d again_preview_unchanged_ms=%d cores=%d load_avg=%s%n",
            ROWS,
            file.length,
            (t1 - t0) / 1_000_000,
            (t2 - t1) / 1_000_000,
            (t3 - t2) / 1_000_000,
            (t4 - t3) / 1_000_000,
            (t5 - t4) / 1_000_000,
            Runtime.getRuntime().availableProcessors(),
            Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    System.out.print(line);
    Files.writeString(
        Path.of("target", "roster-import-timing.txt"),
        line,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }
}
