package org.yizhan.gateway.simulation;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.yizhan.core.ledger.PrepaymentMode;
import org.yizhan.core.model.IdentityCategory;

/**
 * An {@link Impact} as the JSON text stored with its run ({@code simulation_run.result}), and back:
 * every instance answers a run's figures and its CSV from the stored text. Amounts are fen
 * (integers), the form is this class's alone (the API renders its own); ID numbers are stored
 * whole, as the settlements they come from are, and masked when answered.
 */
final class ImpactJson {
  private ImpactJson() {}

  static String write(Impact i) {
    JsonArray categories = new JsonArray();
    for (Impact.CategoryFigures c : i.categories()) {
      categories.add(
          new JsonObject()
              .put("category", c.category() == null ? null : c.category().name())
              .put("persons", c.persons())
              .put("inForce", side(c.inForce()))
              .put("candidate", side(c.candidate())));
    }
    JsonArray largest = new JsonArray();
    for (Impact.Change c : i.largest()) {
      largest.add(
          new JsonArray()
              .add(c.settlementId())
              .add(c.hospitalCode())
              .add(c.claimNo())
              .add(c.personIdNo())
              .add(c.officeCode())
              .add(c.dischargeDate().toString())
              .add(c.category() == null ? null : c.category().name())
              .add(c.inForceFundFen())
              .add(c.candidateFundFen())
              .add(c.inForcePersonalFen())
              .add(c.candidatePersonalFen()));
    }
    JsonArray accounts = new JsonArray();
    for (Impact.AccountEffect a : i.accounts()) {
      accounts.add(
          new JsonArray()
              .add(a.officeCode())
              .add(a.hospitalCode())
              .add(a.mode().name())
              .add(a.openingFen())
              .add(a.topUpsFen())
              .add(account(a.inForce()))
              .add(account(a.candidate())));
    }
    JsonArray refusals = new JsonArray();
    for (Impact.BalanceRefusal r : i.balanceRefusals()) {
      refusals.add(
          new JsonArray()
              .add(r.settlementId())
              .add(r.officeCode())
              .add(r.hospitalCode())
              .add(r.inForceRefusedFen())
              .add(r.candidateRefusedFen()));
    }
    return new JsonObject()
        .put(
            "counts",
            new JsonArray()
                .add(i.claims())
                .add(i.refusedInForce())
                .add(i.refusedCandidate())
                .add(i.persons())
                .add(i.better())
                .add(i.worse()))
        .put("inForce", side(i.inForce()))
        .put("candidate", side(i.candidate()))
        .put("categories", categories)
        .put("largest", largest)
        .put("accounts", accounts)
        .put("balanceRefusals", refusals)
        .put("balancesApplied", i.balancesApplied())
        .put("inForcePolicies", new JsonArray(new ArrayList<>(i.inForcePolicies())))
        .encode();
  }

  static Impact read(String text) {
    JsonObject o = new JsonObject(text);
    JsonArray counts = o.getJsonArray("counts");
    List<Impact.CategoryFigures> categories = new ArrayList<>();
    for (Object x : o.getJsonArray("categories")) {
      JsonObject c = (JsonObject) x;
      String name = c.getString("category");
      categories.add(
          new Impact.CategoryFigures(
              name == null ? null : IdentityCategory.valueOf(name),
              c.getLong("persons"),
              side(c.getJsonArray("inForce")),
              side(c.getJsonArray("candidate"))));
    }
    List<Impact.Change> largest = new ArrayList<>();
    for (Object x : o.getJsonArray("largest")) {
      JsonArray c = (JsonArray) x;
      largest.add(
          new Impact.Change(
              c.getString(0),
              c.getString(1),
              c.getString(2),
              c.getString(3),
              c.getString(4),
              LocalDate.parse(c.getString(5)),
              c.getString(6) == null ? null : IdentityCategory.valueOf(c.getString(6)),
              c.getLong(7),
              c.getLong(8),
              c.getLong(9),
              c.getLong(10)));
    }
    List<Impact.AccountEffect> accounts = new ArrayList<>();
    for (Object x : o.getJsonArray("accounts")) {
      JsonArray a = (JsonArray) x;
      accounts.add(
          new Impact.AccountEffect(
              a.getString(0),
              a.getString(1),
              PrepaymentMode.valueOf(a.getString(2)),
              a.getLong(3),
              a.getLong(4),
              account(a.getJsonArray(5)),
              account(a.getJsonArray(6))));
    }
    List<Impact.BalanceRefusal> refusals = new ArrayList<>();
    for (Object x : o.getJsonArray("balanceRefusals")) {
      JsonArray r = (JsonArray) x;
      refusals.add(
          new Impact.BalanceRefusal(
              r.getString(0), r.getString(1), r.getString(2), r.getLong(3), r.getLong(4)));
    }
    List<String> policies = new ArrayList<>();
    for (Object p : o.getJsonArray("inForcePolicies")) {
      policies.add((String) p);
    }
    return new Impact(
        counts.getLong(0),
        counts.getLong(1),
        counts.getLong(2),
        counts.getLong(3),
        counts.getLong(4),
        counts.getLong(5),
        side(o.getJsonArray("inForce")),
        side(o.getJsonArray("candidate")),
        List.copyOf(categories),
        List.copyOf(largest),
        List.copyOf(accounts),
        List.copyOf(refusals),
        o.getBoolean("balancesApplied"),
        List.copyOf(policies));
  }

  private static JsonArray side(Impact.Side s) {
    return new JsonArray()
        .add(s.claims())
        .add(s.totalFen())
        .add(s.inScopeFen())
        .add(s.basicFen())
        .add(s.criticalIllnessFen())
        .add(s.assistanceFen())
        .add(s.personalFen());
  }

  private static Impact.Side side(JsonArray a) {
    return new Impact.Side(
        a.getLong(0),
        a.getLong(1),
        a.getLong(2),
        a.getLong(3),
        a.getLong(4),
        a.getLong(5),
        a.getLong(6));
  }

  private static JsonArray account(Impact.AccountSide s) {
    return new JsonArray()
        .add(s.assistanceFen())
        .add(s.drawnFen())
        .add(s.advanceFen())
        .add(s.refusedClaims())
        .add(s.refusedFen());
  }

  private static Impact.AccountSide account(JsonArray a) {
    return new Impact.AccountSide(
        a.getLong(0), a.getLong(1), a.getLong(2), a.getLong(3), a.getLong(4));
  }
}
