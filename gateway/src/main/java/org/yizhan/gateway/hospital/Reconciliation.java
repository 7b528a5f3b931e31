package org.yizhan.gateway.hospital;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yizhan.core.model.Fen;
import org.yizhan.gateway.infra.json.Fields;
import org.yizhan.gateway.infra.json.Json;
import org.yizhan.gateway.infra.json.JsonWriter;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.reconciliation.Diff;
import org.yizhan.gateway.settlement.SettlementQueries;
import org.yizhan.gateway.settlement.SettlementService;
import org.yizhan.gateway.settlement.SettlementView;
import org.yizhan.gateway.web.Requests;
import org.yizhan.gateway.web.Responses;

/**
 * Daily reconciliation (对账) between a hospital and the gateway.
 *
 * <p>For a day D (in the gateway's zone): <b>settled</b> are the settlements made on D, whatever
 * happened to them since; <b>reversed</b> are the reversals made on D, of settlements of any day,
 * with negated amounts; <b>net</b> is their sum, the money that moved on D. {@code GET} gives the
 * gateway's figures and both lists. {@code POST} takes the hospital's own net totals and its list
 * of the day's items (settlements made on D and settlements reversed on D, each with its status as
 * the hospital sees it) and answers every difference, item by item: missing on either side, an
 * amount that differs, a status that differs.
 */
final class Reconciliation {
  static final Set<String> BODY_FIELDS = Set.of("totals", "settlements");
  static final Set<String> TOTAL_FIELDS = Set.of("count", "total", "fundPay", "personalPay");
  static final Set<String> ITEM_FIELDS =
      Set.of("settlementId", "claimNo", "status", "total", "fundPay", "personalPay");
  static final Pattern STATUS = Pattern.compile("SETTLED|REVERSED");
  static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F-]{36}");

  /** The most items a hospital may send for one day. */
  static final int MAX_ITEMS = 100_000;

  private final SettlementService service;
  private final ZoneId zone;

  Reconciliation(SettlementService service, ZoneId zone) {
    this.service = service;
    this.zone = zone;
  }

  /** Sums of a set of items, in fen. */
  record Totals(long count, long total, long basic, long ci, long ma, long personal) {
    static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0);

    long fundPay() {
      return basic + ci + ma;
    }

    Totals plus(long n, long t, long b, long c, long m, long p) {
      return new Totals(count + n, total + t, basic + b, ci + c, ma + m, personal + p);
    }
  }

  void totals(RoutingContext ctx) {
    LocalDate day = Requests.parseDate(ctx.pathParam("date"), "date");
    Responses.reply(
        ctx,
        service
            .day(HospitalApi.principal(ctx), day)
            .map(d -> JsonWriter.render(g -> writeDay(g, day, d))),
        200);
  }

  void compare(RoutingContext ctx) {
    LocalDate day = Requests.parseDate(ctx.pathParam("date"), "date");
    Fields body = Fields.of(Json.parse(Requests.body(ctx)), "", BODY_FIELDS);
    TheirTotals theirs = theirTotals(body.raw("totals"));
    Map<String, Item> theirItems = theirItems(body.raw("settlements"));
    Responses.reply(
        ctx,
        service
            .day(HospitalApi.principal(ctx), day)
            .map(d -> JsonWriter.render(g -> writeComparison(g, day, d, theirs, theirItems))),
        200);
  }

  /** One item as the hospital or the gateway sees it. */
  record Item(
      String settlementId,
      String claimNo,
      String status,
      long total,
      long fundPay,
      long personal) {}

  /** The hospital's net totals of the day, in fen. */
  record TheirTotals(long count, long total, long fundPay, long personal) {}

  private static TheirTotals theirTotals(JsonNode node) {
    if (node == null) {
      throw Refusal.missing("totals");
    }
    Fields f = Fields.of(node, "totals", TOTAL_FIELDS);
    long count = f.decimal("count", 0, BigDecimal.valueOf(10_000_000));
    long total = f.decimal("total", 2, Fen.toYuan(Fen.MAX));
    long fundPay = f.decimal("fundPay", 2, Fen.toYuan(Fen.MAX));
    long personal = f.decimal("personalPay", 2, Fen.toYuan(Fen.MAX));
    return new TheirTotals(count, total, fundPay, personal);
  }

  private static Map<String, Item> theirItems(JsonNode node) {
    if (node == null) {
      throw Refusal.missing("settlements");
    }
    if (!node.isArray()) {
      throw Refusal.invalid("settlements", "must be an array");
    }
    if (node.size() > MAX_ITEMS) {
      throw Refusal.invalid("settlements", "must have at most " + MAX_ITEMS + " items");
    }
    Map<String, Item> out = new LinkedHashMap<>();
    for (int i = 0; i < node.size(); i++) {
      String at = "settlements[" + i + "]";
      Fields f = Fields.of(node.get(i), at, ITEM_FIELDS);
      String id = f.text("settlementId", UUID_TEXT, "a settlement id", false);
      String claimNo =
          f.text("claimNo", ClaimParser.CLAIM_NO, "1–64 letters, digits, '.', '_' or '-'", false);
      if (id == null && claimNo == null) {
        throw Refusal.missing(at + ".settlementId");
      }
      Item item =
          new Item(
              id == null ? null : id.toLowerCase(),
              claimNo,
              f.text("status", STATUS, "SETTLED or REVERSED", true),
              f.decimal("total", 2, Fen.toYuan(Fen.MAX)),
              f.decimal("fundPay", 2, Fen.toYuan(Fen.MAX)),
              f.decimal("personalPay", 2, Fen.toYuan(Fen.MAX)));
      if (out.put(key(item), item) != null) {
        throw Refusal.invalid(at, "lists the same settlement twice");
      }
    }
    return out;
  }

  private static String key(Item i) {
    return i.settlementId() != null ? i.settlementId() : "claim:" + i.claimNo();
  }

  private static Totals settledTotals(List<SettlementView> settled) {
    Totals t = Totals.ZERO;
    for (SettlementView s : settled) {
      t = t.plus(1, s.totalFen(), s.basicPayFen(), s.ciPayFen(), s.maPayFen(), s.personalPayFen());
    }
    return t;
  }

  private static Totals reversedTotals(List<SettlementView> reversed) {
    Totals t = Totals.ZERO;
    for (SettlementView s : reversed) {
      t =
          t.plus(
              1,
              -s.totalFen(),
              -s.basicPayFen(),
              -s.ciPayFen(),
              -s.maPayFen(),
              -s.personalPayFen());
    }
    return t;
  }

  private void writeDay(JsonGenerator g, LocalDate day, SettlementQueries.Day d)
      throws IOException {
    Totals settled = settledTotals(d.settled());
    Totals reversed = reversedTotals(d.reversed());
    g.writeStartObject();
    g.writeStringField("date", day.toString());
    totals(g, "settled", settled);
    totals(g, "reversed", reversed);
    totals(
        g,
        "net",
        new Totals(
            settled.count() - reversed.count(),
            settled.total() + reversed.total(),
            settled.basic() + reversed.basic(),
            settled.ci() + reversed.ci(),
            settled.ma() + reversed.ma(),
            settled.personal() + reversed.personal()));
    g.writeArrayFieldStart("settlements");
    for (SettlementView s : d.settled()) {
      g.writeStartObject();
      g.writeStringField("settlementId", s.id().toString());
      g.writeStringField("claimNo", s.claimNo());
      g.writeStringField("status", s.status());
      g.writeStringField("settledAt", JsonWriter.time(s.settledAt(), zone));
      JsonWriter.money(g, "total", s.totalFen());
      JsonWriter.money(g, "basicPay", s.basicPayFen());
      JsonWriter.money(g, "criticalIllnessPay", s.ciPayFen());
      JsonWriter.money(g, "assistancePay", s.maPayFen());
      JsonWriter.money(g, "fundPay", s.fundPayFen());
      JsonWriter.money(g, "personalPay", s.personalPayFen());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("reversals");
    for (SettlementView s : d.reversed()) {
      g.writeStartObject();
      g.writeStringField("settlementId", s.id().toString());
      g.writeStringField("claimNo", s.claimNo());
      g.writeStringField("reversalId", s.reversal().id().toString());
      g.writeStringField("settledOn", s.settledOn().toString());
      g.writeStringField("reversedAt", JsonWriter.time(s.reversal().reversedAt(), zone));
      JsonWriter.money(g, "total", -s.totalFen());
      JsonWriter.money(g, "fundPay", -s.fundPayFen());
      JsonWriter.money(g, "personalPay", -s.personalPayFen());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void totals(JsonGenerator g, String name, Totals t) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeNumberField("count", t.count());
    JsonWriter.money(g, "total", t.total());
    JsonWriter.money(g, "basicPay", t.basic());
    JsonWriter.money(g, "criticalIllnessPay", t.ci());
    JsonWriter.money(g, "assistancePay", t.ma());
    JsonWriter.money(g, "fundPay", t.fundPay());
    JsonWriter.money(g, "personalPay", t.personal());
    g.writeEndObject();
  }

  private void writeComparison(
      JsonGenerator g,
      LocalDate day,
      SettlementQueries.Day d,
      TheirTotals theirs,
      Map<String, Item> theirItems)
      throws IOException {
    Map<String, Item> ours = new LinkedHashMap<>();
    Map<String, String> claimKeyToId = new LinkedHashMap<>();
    for (SettlementView s : d.settled()) {
      ours.put(s.id().toString(), ourItem(s));
      claimKeyToId.putIfAbsent("claim:" + s.claimNo(), s.id().toString());
    }
    for (SettlementView s : d.reversed()) {
      ours.putIfAbsent(s.id().toString(), ourItem(s));
      claimKeyToId.putIfAbsent("claim:" + s.claimNo(), s.id().toString());
    }
    Totals settled = settledTotals(d.settled());
    Totals reversed = reversedTotals(d.reversed());
    long netCount = settled.count() - reversed.count();
    long netTotal = settled.total() + reversed.total();
    long netFund = settled.fundPay() + reversed.fundPay();
    long netPersonal = settled.personal() + reversed.personal();

    List<Diff.Figure> totalDiffs = new ArrayList<>();
    Diff.figure(totalDiffs, "count", netCount, theirs.count(), false);
    Diff.figure(totalDiffs, "total", netTotal, theirs.total(), true);
    Diff.figure(totalDiffs, "fundPay", netFund, theirs.fundPay(), true);
    Diff.figure(totalDiffs, "personalPay", netPersonal, theirs.personal(), true);

    List<Map<String, String>> diffs = new ArrayList<>();
    List<Diff.Pair<Item>> pairs =
        Diff.inHospitalOrder(
            new ArrayList<>(ours.values()),
            Item::settlementId,
            new ArrayList<>(theirItems.values()),
            i -> i.settlementId() != null ? i.settlementId() : claimKeyToId.get(key(i)));
    for (Diff.Pair<Item> p : pairs) {
      Item our = p.gateway();
      Item their = p.hospital();
      if (p.missingInGateway()) {
        diffs.add(itemDiff("MISSING_IN_GATEWAY", their, null, null, null));
      } else if (p.missingInHospital()) {
        diffs.add(itemDiff("MISSING_IN_HOSPITAL", our, null, null, null));
      } else {
        if (!our.status().equals(their.status())) {
          diffs.add(itemDiff("REVERSAL_MISMATCH", our, "status", our.status(), their.status()));
        }
        amountDiff(diffs, our, "total", our.total(), their.total());
        amountDiff(diffs, our, "fundPay", our.fundPay(), their.fundPay());
        amountDiff(diffs, our, "personalPay", our.personal(), their.personal());
      }
    }

    g.writeStartObject();
    g.writeStringField("date", day.toString());
    g.writeBooleanField("balanced", totalDiffs.isEmpty() && diffs.isEmpty());
    g.writeArrayFieldStart("totalsDifferences");
    for (Diff.Figure t : totalDiffs) {
      g.writeStartObject();
      g.writeStringField("field", t.field());
      g.writeFieldName("gateway");
      g.writeNumber(t.gateway());
      g.writeFieldName("hospital");
      g.writeNumber(t.hospital());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("differences");
    for (Map<String, String> m : diffs) {
      g.writeStartObject();
      for (Map.Entry<String, String> e : m.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static Item ourItem(SettlementView s) {
    return new Item(
        s.id().toString(),
        s.claimNo(),
        s.status(),
        s.totalFen(),
        s.fundPayFen(),
        s.personalPayFen());
  }

  private static void amountDiff(
      List<Map<String, String>> out, Item our, String field, long ours, long theirs) {
    if (ours != theirs) {
      out.add(itemDiff("AMOUNT_MISMATCH", our, field, Fen.format(ours), Fen.format(theirs)));
    }
  }

  private static Map<String, String> itemDiff(
      String type, Item item, String field, String gateway, String hospital) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("settlementId", item.settlementId());
    m.put("claimNo", item.claimNo());
    if (field != null) {
      m.put("field", field);
      m.put("gateway", gateway);
      m.put("hospital", hospital);
    }
    return m;
  }
}
