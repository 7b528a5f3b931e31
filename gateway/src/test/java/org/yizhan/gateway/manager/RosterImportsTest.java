package org.yizhan.gateway.manager;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yizhan.gateway.support.ManagerClient;
import org.yizhan.gateway.support.TestData;
import org.yizhan.gateway.support.TestGateway;
import org.yizhan.gateway.support.TestGateway.Response;

/**
 * The roster import as a job (issue 17 item 5): uploaded in parts, checked into a plan, previewed
 * (new, changed, ended, unchanged, the first refused lines), then confirmed or cancelled; over two
 * gateway instances on one database, as behind one address.
 */
class RosterImportsTest {
  static final String HEADER = "身份证号,姓名,类别,生效日期,终止日期,已确认,脱贫日期\n";
  static final String JOBS = "/manager/api/identities/imports";

  static TestGateway gw;
  static TestGateway other;
  static ManagerClient a;

  @BeforeAll
  static void start() {
    gw = TestGateway.start();
    other = TestGateway.start(Map.of(), url -> gw.database().jdbcUrl());
    a = ManagerClient.login(gw, ManagerClient.A, ManagerClient.A_PASSWORD);
  }

  @AfterAll
  static void stop() {
    other.close();
    gw.close();
  }

  static String id(int i) {
    return TestData.idNo("445202", LocalDate.of(1966, 3, 3), i);
  }

  /** Uploads {@code file} to instance {@code up} in parts of {@code partBytes}; returns the job. */
  static String upload(TestGateway up, byte[] file, int partBytes) {
    Response created =
        send(up, "POST", JOBS, "application/json", ("{\"bytes\":" + file.length + "}").getBytes());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String job = a.json(created).get("id").asText();
    assertThat(a.json(created).get("state").asText()).isEqualTo("UPLOADING");
    for (int seq = 0, from = 0; from < file.length; seq++, from += partBytes) {
      byte[] part = Arrays.copyOfRange(file, from, Math.min(file.length, from + partBytes));
      Response r =
          send(up, "PUT", JOBS + "/" + job + "/parts/" + seq, "application/octet-stream", part);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
    return job;
  }

  static Response send(TestGateway to, String method, String path, String type, byte[] body) {
    return to.send(
        HttpRequest.newBuilder(URI.create(to.baseUrl() + path))
            .header("Content-Type", type)
            .method(method, HttpRequest.BodyPublishers.ofByteArray(body)),
        a.token());
  }

  static Response post(TestGateway to, String path) {
    return to.send(
        HttpRequest.newBuilder(URI.create(to.baseUrl() + path))
            .POST(HttpRequest.BodyPublishers.noBody()),
        a.token());
  }

  /**
   * Polls the job on {@code on} until it leaves {@code working}, every 100 ms (the manager's rate
   * limit is shared with the other tests of the class: a 429 waits the second it asks for).
   */
  static JsonNode await(TestGateway on, String job, String working) {
    for (int i = 0; i < 300; i++) {
      Response r = on.get(JOBS + "/" + job, a.token());
      if (r.status() == 429) {
        pause(1000);
        continue;
      }
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      JsonNode s = a.json(r);
      if (!s.get("state").asText().equals(working)) {
        return s;
      }
      pause(100);
    }
    throw new AssertionError("import " + job + " still " + working);
  }

  static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static JsonNode check(TestGateway on, String job) {
    Response r = post(on, JOBS + "/" + job + "/check");
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return await(on, job, "CHECKING");
  }

  static long identities(String idNo) {
    return (long)
        gw.value(
            "SELECT count(*) FROM person_identity WHERE person_id_no = ? AND superseded_at IS NULL",
            idNo);
  }

  @Test
  void preview_countsNewChangedEndedUnchanged_andCancelWritesNothing() {
    a.register(id(1), "SUBSISTENCE", "2018-01-01", null); // changed below (its name)
    a.register(id(2), "SUBSISTENCE", "2018-01-01", null); // ended below
    a.register(id(3), "DESTITUTE", "2018-01-01", null); // the same in the file
    String file =
        HEADER
            + id(1)
            + ",新名字,低保,2018/1/1,,是,\n"
            + id(2)
            + ",测试,低保,2018-01-01,2019-12-31,是,\n"
            + id(3)
            + ",测试,特困,2018年1月1日,,是,\n"
            + id(4)
            + ",新人,建档立卡,43101,,否,\n";
    long before = gw.count("person_identity");
    long audits = gw.count("audit_log");

    String job = upload(gw, file.getBytes(StandardCharsets.UTF_8), 64);
    JsonNode s = check(other, job);

    assertThat(s.get("state").asText()).as(s.toString()).isEqualTo("PREVIEW");
    assertThat(s.get("rows").asInt()).isEqualTo(4);
    assertThat(s.get("registered").asInt()).isEqualTo(1);
    assertThat(s.get("changed").asInt()).isEqualTo(1);
    assertThat(s.get("ended").asInt()).isEqualTo(1);
    assertThat(s.get("unchanged").asInt()).isEqualTo(1);
    assertThat(s.get("refusedLines").asInt()).isZero();
    assertThat(s.get("expiresAt").isNull()).isFalse();
    assertThat(gw.count("person_identity")).isEqualTo(before);

    Response cancelled = post(gw, JOBS + "/" + job + "/cancel");
    assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
    assertThat(a.json(cancelled).get("state").asText()).isEqualTo("CANCELLED");
    assertThat(post(gw, JOBS + "/" + job + "/confirm").status()).isEqualTo(409);
    assertThat(gw.count("person_identity")).isEqualTo(before);
    assertThat(gw.count("audit_log")).isEqualTo(audits);
    assertThat(gw.value("SELECT count(*) FROM roster_import_row WHERE import_id = ?::uuid", job))
        .isEqualTo(0L);
    assertThat(identities(id(4))).isZero();
  }

  @Test
  void confirm_onTheOtherInstance_appliesExactlyThePlan() {
    a.register(id(10), "SUBSISTENCE", "2018-01-01", null);
    String file = HEADER + id(10) + ",改名,低保,2018-01-01,,是,\n" + id(11) + ",新登记,特困,2018-01-01,,是,\n";
    String job = upload(gw, file.getBytes(StandardCharsets.UTF_8), 100);
    assertThat(check(gw, job).get("state").asText()).isEqualTo("PREVIEW");
    long audits = gw.count("audit_log");

    Response confirmed = post(other, JOBS + "/" + job + "/confirm");
    assertThat(confirmed.status()).as(confirmed.body()).isEqualTo(202);
    JsonNode s = await(gw, job, "APPLYING");

    assertThat(s.get("state").asText()).as(s.toString()).isEqualTo("APPLIED");
    assertThat(s.get("done").asLong()).isEqualTo(2);
    assertThat(
            gw.value(
                "SELECT person_name FROM person_identity WHERE person_id_no = ?"
                    + " AND superseded_at IS NULL",
                id(10)))
        .isEqualTo("改名");
    assertThat(identities(id(11))).isEqualTo(1);
    assertThat(gw.count("audit_log")).isEqualTo(audits + 1);
    assertThat(
            gw.value(
                "SELECT details::jsonb->>'registered' FROM audit_log"
                    + " WHERE action = 'IDENTITY_IMPORT' AND details::jsonb->>'importId' = ?",
                job))
        .isEqualTo("1");
    // confirmed twice: the second is refused, nothing written again
    assertThat(post(gw, JOBS + "/" + job + "/confirm").status()).isEqualTo(409);
    assertThat(identities(id(11))).isEqualTo(1);
  }

  @Test
  void confirm_afterTheRosterChanged_isRefusedAndWritesNothing() {
    String idNo = a.register(id(20), "SUBSISTENCE", "2018-01-01", null);
    String file = HEADER + id(20) + ",预览时,低保,2018-01-01,,是,\n" + id(21) + ",乙,特困,2018-01-01,,是,\n";
    String job = upload(gw, file.getBytes(StandardCharsets.UTF_8), 1 << 20);
    assertThat(check(gw, job).get("state").asText()).isEqualTo("PREVIEW");
    // meanwhile, someone changes the person's identity
    Response changed = a.put("/manager/api/identities/" + idNo, "{\"personName\":\"其间\"}");
    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    long before = gw.count("person_identity");

    assertThat(post(gw, JOBS + "/" + job + "/confirm").status()).isEqualTo(202);
    JsonNode s = await(gw, job, "APPLYING");

    assertThat(s.get("state").asText()).isEqualTo("STALE");
    assertThat(s.get("failure").get("code").asText()).isEqualTo("ROSTER_CHANGED");
    assertThat(s.get("failure").get("message").asText()).contains("nothing was imported");
    assertThat(gw.count("person_identity")).isEqualTo(before);
    assertThat(identities(id(21))).isZero();
  }

  @Test
  void refusedLines_areListedInOrderAndCounted_andNothingCanBeConfirmed() {
    a.register(id(30), "DESTITUTE", "2018-01-01", null);
    StringBuilder file = new StringBuilder(HEADER);
    file.append(id(31)).append(",甲,低保,2018-01-01,,是,\n"); // line 2: good
    file.append(id(32)).append(",乙,富裕,2018-01-01,,是,\n"); // line 3: category
    file.append(id(31)).append(",甲,低保,2018-06-01,,是,\n"); // line 4: overlaps line 2
    file.append(TestData.idNo("110101", LocalDate.of(1970, 1, 1), 1))
        .append(",丙,特困,2018-01-01,,是,\n"); // 5
    for (int i = 0; i < 30; i++) {
      file.append(id(40 + i)).append(",丁,特困,2018-13-01,,是,\n"); // lines 6..35: dates
    }
    String job = upload(gw, file.toString().getBytes(StandardCharsets.UTF_8), 200);
    JsonNode s = check(gw, job);

    assertThat(s.get("state").asText()).isEqualTo("REFUSED");
    assertThat(s.get("refusedLines").asInt()).isEqualTo(33);
    JsonNode refused = s.get("refused");
    assertThat(refused).hasSize(20);
    assertThat(refused.get(0).get("line").asInt()).isEqualTo(3);
    assertThat(refused.get(0).get("field").asText()).isEqualTo("line 3: category");
    assertThat(refused.get(1).get("line").asInt()).isEqualTo(4);
    assertThat(refused.get(1).get("message").asText()).contains("earlier row of the file");
    assertThat(refused.get(2).get("code").asText()).isEqualTo("NOT_MANAGING_OFFICE");
    assertThat(refused.get(3).get("field").asText()).isEqualTo("line 6: valid_from");
    assertThat(s.toString()).doesNotContain(id(32)).doesNotContain("富裕");
    Response confirm = post(gw, JOBS + "/" + job + "/confirm");
    assertThat(confirm.status()).isEqualTo(409);
    assertThat(a.json(confirm).get("code").asText()).isEqualTo("IMPORT_REFUSED_LINES");
    assertThat(identities(id(31))).isZero();
  }

  @Test
  void aGbkFileInParts_splitInsideACharacter_readsItsNames() {
    String file = HEADER + id(80) + ",欧阳娜娜,低保,2018/1/1,,是,\n" + id(81) + ",张三丰,特困,2018/1/1,,否,\n";
    byte[] gbk = file.getBytes(java.nio.charset.Charset.forName("GBK"));
    // parts of 7 bytes split two-byte characters between parts
    String job = upload(other, gbk, 7);
    assertThat(check(gw, job).get("state").asText()).isEqualTo("PREVIEW");
    assertThat(post(gw, JOBS + "/" + job + "/confirm").status()).isEqualTo(202);
    assertThat(await(other, job, "APPLYING").get("state").asText()).isEqualTo("APPLIED");
    assertThat(gw.value("SELECT person_name FROM person_identity WHERE person_id_no = ?", id(80)))
        .isEqualTo("欧阳娜娜");
  }

  @Test
  void checkBeforeEveryPartArrived_isRefused_andAnotherOfficesJobIsNotFound() {
    Response created = send(gw, "POST", JOBS, "application/json", "{\"bytes\":100}".getBytes());
    String job = a.json(created).get("id").asText();
    send(gw, "PUT", JOBS + "/" + job + "/parts/0", "application/octet-stream", new byte[10]);

    Response early = post(gw, JOBS + "/" + job + "/check");
    assertThat(early.status()).isEqualTo(409);
    assertThat(a.json(early).get("code").asText()).isEqualTo("IMPORT_INCOMPLETE");
    Response over =
        send(gw, "PUT", JOBS + "/" + job + "/parts/1", "application/octet-stream", new byte[200]);
    assertThat(over.status()).isEqualTo(400);

    ManagerClient b = ManagerClient.login(gw, ManagerClient.B, ManagerClient.B_PASSWORD);
    assertThat(gw.get(JOBS + "/" + job, b.token()).status()).isEqualTo(404);
    Response tooBig =
        send(gw, "POST", JOBS, "application/json", "{\"bytes\":999999999999}".getBytes());
    assertThat(tooBig.status()).isEqualTo(400);
    assertThat(a.json(tooBig).get("code").asText()).isEqualTo("FILE_TOO_LARGE");
    assertThat(post(gw, JOBS + "/" + job + "/cancel").status()).isEqualTo(200);
  }
}
