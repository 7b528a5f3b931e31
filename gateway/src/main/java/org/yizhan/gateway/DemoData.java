package org.yizhan.gateway;

import io.vertx.core.Future;
import java.time.LocalDate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.identity.IdentityService;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.ledger.LedgerService;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.security.Masking;

/**
 * The README's example, made true: on the embedded database (a first run on one's own machine,
 * never an external one), a confirmed 特困 person of office 445202 and that office's prepayment
 * account at the demo hospital H44520200001, opened and funded, so that the README's claim pays
 * from all three funds. Written through the managers' services, as a manager would (audited, by
 * {@code manager:demo-data}), and idempotent: the identity is registered only if the person has
 * none of that category, the account opened only if missing, and the top-up carries a fixed
 * reference, so a restart adds nothing.
 */
final class DemoData {
  private static final Logger LOG = LoggerFactory.getLogger(DemoData.class);

  /** The demo person's ID number (a valid GB 11643 number of Jieyang's Rongcheng district). */
  static final String PERSON_ID_NO = "445202199001011213";

  static final String PERSON_NAME = "张三";
  static final String OFFICE = "445202";
  static final String HOSPITAL = "H44520200001";

  /** The top-up's reference: a second start finds it and replays it. */
  static final String TOP_UP_REFERENCE = "DEMO-DATA-1";

  /** The demo account's first top-up, fen (50,000.00 yuan). */
  static final long TOP_UP_FEN = 5_000_000;

  static final ManagerPrincipal ACTOR = new ManagerPrincipal("demo-data", "演示数据", OFFICE);

  private DemoData() {}

  /** Creates what is missing; answers whether anything was created. */
  static Future<Boolean> ensure(IdentityService identities, LedgerService ledger) {
    return identities
        .register(
            ACTOR,
            new IdentityService.Draft(
                PERSON_ID_NO,
                PERSON_NAME,
                IdentityCategory.DESTITUTE,
                LocalDate.of(2018, 1, 1),
                null,
                true,
                null))
        .map(true)
        .recover(
            e ->
                e instanceof Refusal && "IDENTITY_OVERLAP".equals(((Refusal) e).code())
                    ? Future.succeededFuture(false)
                    : Future.failedFuture(e))
        .compose(
            registered ->
                ledger
                    .open(ACTOR, HOSPITAL)
                    .compose(a -> ledger.topUp(ACTOR, a.id(), TOP_UP_REFERENCE, TOP_UP_FEN))
                    .map(
                        topUp -> {
                          boolean created = registered || !topUp.replayed();
                          if (created) {
                            LOG.info(
                                "demo data created: a confirmed DESTITUTE person {} of office {};"
                                    + " account {} of office {} at {} topped up with {} fen",
                                Masking.idNo(PERSON_ID_NO),
                                OFFICE,
                                topUp.account().id(),
                                OFFICE,
                                HOSPITAL,
                                TOP_UP_FEN);
                          }
                          return created;
                        }));
  }
}
