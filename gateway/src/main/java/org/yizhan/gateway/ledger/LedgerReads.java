package org.yizhan.gateway.ledger;

import static org.yizhan.gateway.ledger.LedgerStatements.DAILY;
import static org.yizhan.gateway.ledger.LedgerStatements.ENTRIES;
import static org.yizhan.gateway.ledger.LedgerStatements.ENTRY_COUNT;
import static org.yizhan.gateway.ledger.LedgerStatements.OFFICE_DAILY;
import static org.yizhan.gateway.ledger.LedgerStatements.WINDOW_SUMS;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.ledger.LedgerService.Day;
import org.yizhan.gateway.ledger.LedgerService.Days;
import org.yizhan.gateway.ledger.LedgerService.Entry;
import org.yizhan.gateway.ledger.LedgerService.EntryPage;
import org.yizhan.gateway.ledger.LedgerService.HospitalDay;
import org.yizhan.gateway.ledger.LedgerService.Paid;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.security.ManagerAuth.Role;
import org.yizhan.gateway.security.Masking;

/**
 * The pictures of the money a manager reads, for {@link LedgerService} (whose public methods check
 * the account is the manager's office's first, then delegate here): entries with their running
 * balance and who was paid, days with the balance each closed at, the office's drawdowns per day
 * and hospital, and the run-out forecast.
 *
 * <p>Who was paid: the clerk of a person's managing office (a civil-affairs manager of that office)
 * is shown the person's full ID number, which they need to find the person's file; anyone else, the
 * masked form. Every page that shows a full number is audited on the {@link #AUDIT_CHAIN} chain
 * (who, which account, which page and filter, how many people), after the read, in a short
 * transaction of its own, and is answered only once that entry is written.
 */
final class LedgerReads {
  /** The audit chain of looks at people's data in the ledger, apart from the main chain. */
  static final String AUDIT_CHAIN = "ledger-views";

  private final Pool pool;
  private final ZoneId zone;

  LedgerReads(Pool pool, ZoneId zone) {
    this.pool = pool;
    this.zone = zone;
  }

  Future<EntryPage> entries(
      ManagerPrincipal m,
      long accountId,
      String kind,
      LocalDate from,
      LocalDate to,
      int page,
      int size) {
    Tuple filter = Tuple.of(accountId, kind, from, to, zone.getId());
    Future<RowSet<Row>> count = pool.preparedQuery(ENTRY_COUNT).execute(filter);
    Future<RowSet<Row>> rows =
        pool.preparedQuery(ENTRIES)
            .execute(Tuple.of(accountId, kind, from, to, zone.getId(), size, (page - 1) * size));
    return Future.all(count, rows)
        .compose(
            x -> {
              List<Entry> items = new ArrayList<>();
              for (Row r : rows.result()) {
                items.add(entry(r, m));
              }
              EntryPage p =
                  new EntryPage(items, page, size, count.result().iterator().next().getLong(0));
              long full =
                  items.stream().filter(e -> e.paid() != null && e.paid().fullIdNo()).count();
              if (full == 0) {
                return Future.succeededFuture(p);
              }
              JsonObject details =
                  new JsonObject()
                      .put("page", page)
                      .put("size", size)
                      .put("kind", kind)
                      .put("from", from == null ? null : from.toString())
                      .put("to", to == null ? null : to.toString())
                      .put("fullIdNumbers", full);
              return pool.withTransaction(
                      conn ->
                          Audit.append(
                              conn,
                              AUDIT_CHAIN,
                              m.actor(),
                              "LEDGER_ENTRIES_VIEW",
                              "account",
                              Long.toString(accountId),
                              details))
                  .map(v -> p);
            });
  }

  /** An entry as {@code m} may see it: the full ID number only for the person's managing office. */
  static Entry entry(Row r, ManagerPrincipal m) {
    Paid paid = null;
    String idNo = r.getString("person_id_no");
    if (idNo != null) {
      boolean full =
          m.role() == Role.CIVIL_AFFAIRS && m.officeCode().equals(r.getString("person_office"));
      paid =
          new Paid(
              full ? idNo : Masking.idNo(idNo),
              full,
              r.getString("person_name"),
              r.getString("settlement_hospital"),
              r.getString("hospital_name"),
              r.getLocalDate("discharge_date"));
    }
    return new Entry(
        r.getLong("id"),
        r.getString("kind"),
        r.getString("debit_account"),
        r.getString("credit_account"),
        Sql.fen(r, "amount"),
        r.getUUID("settlement_id"),
        r.getString("claim_no"),
        r.getString("top_up_ref"),
        r.getString("period"),
        r.getOffsetDateTime("created_at").toInstant(),
        r.getString("created_by"),
        Sql.fen(r, "balance_after"),
        paid);
  }

  Future<Days> daily(Account a, LocalDate from) {
    return pool.preparedQuery(DAILY)
        .execute(Tuple.of(a.id(), from, zone.getId()))
        .map(
            rows -> {
              List<Day> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new Day(
                        r.getLocalDate("day"),
                        Sql.fen(r, "top_up"),
                        Sql.fen(r, "drawdown"),
                        Sql.fen(r, "reversal_credit"),
                        Sql.fen(r, "advance"),
                        Sql.fen(r, "advance_reversal"),
                        Sql.fen(r, "closing_balance")));
              }
              // the balance before the window: the first day's close less that day's movements,
              // or, with no movement in the window, the balance now
              long opening =
                  out.isEmpty()
                      ? a.balanceFen()
                      : out.get(0).closingBalanceFen()
                          - out.get(0).topUps()
                          + out.get(0).drawdowns()
                          - out.get(0).reversalCredits();
              return new Days(a, from, opening, out);
            });
  }

  Future<List<HospitalDay>> officeDaily(ManagerPrincipal m, LocalDate from) {
    return pool.preparedQuery(OFFICE_DAILY)
        .execute(Tuple.of(m.officeCode(), from, zone.getId()))
        .map(
            rows -> {
              List<HospitalDay> out = new ArrayList<>();
              for (Row r : rows) {
                out.add(
                    new HospitalDay(
                        r.getLocalDate("day"),
                        r.getString("hospital_code"),
                        r.getString("hospital_name"),
                        Sql.fen(r, "drawdown") - Sql.fen(r, "reversal_credit"),
                        Sql.fen(r, "advance") - Sql.fen(r, "advance_reversal")));
              }
              return out;
            });
  }

  Future<Forecast> forecast(Account a, LocalDate today) {
    LocalDate from = Forecast.windowStart(today);
    return pool.preparedQuery(WINDOW_SUMS)
        .execute(Tuple.of(a.id(), null, from, today.minusDays(1), zone.getId()))
        .map(
            rows -> {
              Row r = rows.iterator().next();
              return Forecast.of(
                  today,
                  Sql.fen(r, "drawdown"),
                  Sql.fen(r, "advance"),
                  Sql.fen(r, "reversal_credit"),
                  Sql.fen(r, "advance_reversal"),
                  a.balanceFen(),
                  a.lowBalanceThresholdFen());
            });
  }
}
