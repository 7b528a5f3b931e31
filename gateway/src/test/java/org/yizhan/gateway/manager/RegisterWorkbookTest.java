package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.coverage.CoverageFixture;
import org.yizhan.gateway.manager.RosterFilesTest.DateCell;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The insured register imported from an Excel workbook (.xlsx), through the page's route with the
 * session (and through the floor's reader the roster shares): a typed date, a year as a number and
 * an ID number as text import; an ID number stored as a number (Excel keeps 15 digits) is refused
 * naming its line and column, and nothing is written.
 */
class RegisterWorkbookTest {
  static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  static final String IMPORTS = "/manager/api/register/imports";
  static final List<Object> HEADER =
      List.of("身份证号", "姓名", "参保地", "险种", "参保开始日期", "参保终止日期", "缴费年度", "缴费状态");

  static TestGateway gw;
  static ManagerClient agency;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    CoverageFixture.agency(gw, "agency445200", "445200");
    agency = ManagerClient.login(gw, "agency445200", CoverageFixture.AGENCY_PASSWORD);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static JsonNode await(Response started) throws InterruptedException {
    assertThat(started.status()).as(started.body()).isEqualTo(202);
    String id = agency.json(started).get("id").asText();
    for (int i = 0; i < 600; i++) {
      JsonNode p = agency.json(agency.get(IMPORTS + "/" + id));
      String state = p.get("state").asText();
      if (!state.equals("RUNNING") && !state.equals("UPLOADING")) {
        return p;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("import " + id + " never finished");
  }

  @Test
  void xlsx_importsTypedDatesAndNumbers_likeTheCsv() throws Exception {
    String id = TestData.idNo("445202", LocalDate.of(1960, 5, 1), 77);
    byte[] book =
        RosterFilesTest.xlsx(
            List.of(
                HEADER,
                List.of(id, "孙八", 445202, "城乡居民", new DateCell(43101), "20181231", 2018, "资助参保")));

    JsonNode done = await(agency.postFile(IMPORTS, XLSX, book));

    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
    assertThat(done.get("rowsWritten").asLong()).isEqualTo(1);
    assertThat(
            gw.value(
                "SELECT valid_from::text || '/' || valid_to::text FROM insured_enrolment"
                    + " WHERE person_id_no = ? AND superseded_at IS NULL",
                id))
        .isEqualTo("2018-01-01/2018-12-31");
  }

  @Test
  void xlsx_anIdNumberStoredAsANumber_isRefusedNamingItsLine_andNothingIsWritten()
      throws Exception {
    long before = gw.count("insured_enrolment");
    byte[] book =
        RosterFilesTest.xlsx(
            List.of(
                HEADER,
                List.of(4.45202196005010E17, "周九", 445202, "城乡居民", "2018-01-01", "", 2018, "已缴费")));

    JsonNode done = await(agency.postFile(IMPORTS, XLSX, book));

    assertThat(done.get("state").asText()).isEqualTo("REFUSED");
    assertThat(done.at("/refusals/0/field").asText()).isEqualTo("line 2: person_id_no");
    assertThat(done.at("/refusals/0/line").asLong()).isEqualTo(2);
    assertThat(done.at("/refusals/0/message").asText()).contains("15 digits");
    assertThat(gw.count("insured_enrolment")).isEqualTo(before);
  }

  @Test
  void pageRoute_isTheAgencys_civilAffairsIsRefused() {
    ManagerClient civil = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
    Response r = civil.postFile(IMPORTS, "text/csv", "身份证号\n".getBytes());
    assertThat(r.status()).isEqualTo(403);
    assertThat(civil.json(r).get("code").asText()).isEqualTo("WRONG_ROLE");
  }
}
