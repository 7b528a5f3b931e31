package org.yizhan.gateway.settlement;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.model.Accumulators;
import org.yizhan.core.model.Claim;
import org.yizhan.core.model.Identity;
import org.yizhan.core.model.LinePricing;
import org.yizhan.core.model.Rejection;
import org.yizhan.core.model.RejectionCode;
import org.yizhan.core.model.Settlement;
import org.yizhan.core.model.SettlementOutcome;
import org.yizhan.core.policy.Policy;
import org.yizhan.gateway.identity.IdentityDirectory;
import org.yizhan.gateway.identity.ManagingOffice;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.insured.Coverage;
import org.yizhan.gateway.insured.EnrolmentCache;
import org.yizhan.gateway.insured.Scheme;
import org.yizhan.gateway.metrics.Metrics;
import org.yizhan.gateway.policy.PolicyBooks;
import org.yizhan.gateway.security.HospitalAuth.Principal;

/**
 * The hospital's use cases: preview, settle, reverse, read. It joins the pure engine to the store:
 * identities come from the directory (cached), the year figures from the store (locked in the
 * settlement's transaction), and every store call passes the circuit breaker.
 *
 * <p>Only an insured person is settled: the insured register must hold an enrolment of the claim's
 * scheme whose period holds the admission date and whose contribution is paid or subsidised, else
 * 422 {@code NOT_INSURED} naming what is missing ({@link Coverage}). The enrolment's region chooses
 * the policy (参保地政策, also for a patient treated in another region of the province, 异地就医): the
 * engine is given the claim with the enrolment's region in place of the office, while the
 * settlement keeps the office that manages the person (whose prepayment pays assistance). The
 * enrolments are read with the identities, concurrently, before the settlement's transaction.
 */
public final class SettlementService {
  /** The live policy book: each use takes one snapshot and keeps it (never half a change). */
  private final PolicyBooks policies;

  private final SettlementStore store;
  private final SettlementQueries queries;
  private final IdentityDirectory identities;
  private final EnrolmentCache enrolments;
  private final DbGuard guard;
  private final Metrics metrics;
  private final Clock clock;
  private final ZoneId zone;
  private final Duration treatmentWindow;

  public SettlementService(
      PolicyBooks policies,
      SettlementStore store,
      SettlementQueries queries,
      IdentityDirectory identities,
      EnrolmentCache enrolments,
      DbGuard guard,
      Metrics metrics,
      Clock clock,
      ZoneId zone,
      Duration treatmentWindow) {
    this.policies = policies;
    this.store = store;
    this.queries = queries;
    this.identities = identities;
    this.enrolments = enrolments;
    this.guard = guard;
    this.metrics = metrics;
    this.clock = clock;
    this.zone = zone;
    this.treatmentWindow = treatmentWindow;
  }

  /** An answer to a settle request: 201 for a new settlement, 200 for a replay. */
  public record Settled(SettlementView settlement, boolean replayed) {}

  /** 预结算: the settlement as it would be now; nothing is written. */
  public Future<SettlementView> preview(ClaimInput parsed) {
    Claim claim = parsed.claim();
    checkOffice(claim);
    Future<List<Identity>> held = guard.call(() -> identities.current(claim.personIdNo()));
    Future<Claim> governed = governed(claim);
    Future<Optional<SettlementQueries.Figures>> figures =
        guard.call(() -> queries.figures(claim.personIdNo(), claim.year()));
    return Future.all(held, governed, figures)
        .map(
            done -> {
              Accumulators ytd =
                  figures
                      .result()
                      .map(SettlementQueries.Figures::accumulators)
                      .orElse(Accumulators.zero(claim.year()));
              PolicyBooks.Snapshot book = policies.current();
              SettlementOutcome outcome =
                  book.engine().settle(governed.result(), held.result(), ytd);
              countUnknownItems(outcome, claim.hospitalCode(), Metrics.PREVIEW);
              Settlement s = settledOrThrow(outcome);
              metrics.previewed();
              Instant now = Instant.now(clock).truncatedTo(ChronoUnit.MICROS);
              return SettlementView.of(
                      null,
                      SettlementView.PREVIEW,
                      claim,
                      s,
                      0,
                      0,
                      now,
                      LocalDate.ofInstant(now, zone))
                  .withVersions(
                      book.versionFor(governed.result()).orElse(null),
                      book.catalogueVersionFor(governed.result()).orElse(null));
            });
  }

  /** Settles a discharge; idempotent by claim number and by {@code idempotencyKey}. */
  public Future<Settled> settle(Principal who, ClaimInput parsed, String idempotencyKey) {
    Claim claim = parsed.claim();
    try {
      checkOffice(claim);
    } catch (Refusal e) {
      return Future.failedFuture(e);
    }
    Future<List<Identity>> identitiesHeld =
        guard.call(() -> identities.current(claim.personIdNo()));
    Future<Claim> governedBy = governed(claim);
    return Future.all(identitiesHeld, governedBy)
        .compose(
            done -> {
              List<Identity> held = identitiesHeld.result();
              Claim governed = governedBy.result();
              PolicyBooks.Snapshot book = policies.current();
              SettlementEngine engine = book.engine();
              SettleCommand cmd =
                  new SettleCommand(
                      claim,
                      parsed.personName(),
                      parsed.contentSha256(),
                      idempotencyKey,
                      identitiesJson(held),
                      mayDrawAssistance(engine, governed, held),
                      who.actor(),
                      book.versionFor(governed).orElse(null),
                      book.catalogueVersionFor(governed).orElse(null));
              return guard
                  .call(
                      () ->
                          store.settle(
                              cmd,
                              parsed.contentSha256(),
                              ytd -> engine.settle(governed, held, ytd)))
                  .compose(result -> answer(who, cmd, result));
            });
  }

  private Future<Settled> answer(Principal who, SettleCommand cmd, SettleResult result) {
    if (result instanceof SettleResult.Created) {
      SettlementView s =
          ((SettleResult.Created) result)
              .settlement()
              .withVersions(cmd.policyVersion(), cmd.catalogueVersion());
      countSettled(s);
      return Future.succeededFuture(new Settled(s, false));
    }
    if (result instanceof SettleResult.Replayed) {
      metrics.replayed();
      UUID id = ((SettleResult.Replayed) result).settlementId();
      return guard
          .call(() -> queries.find(who.hospital().code(), id))
          .map(
              found ->
                  new Settled(
                      found.orElseThrow(
                          () -> new IllegalStateException("replayed " + id + " gone")),
                      true));
    }
    if (result instanceof SettleResult.Rejected) {
      Rejection r = ((SettleResult.Rejected) result).rejection();
      countUnknownItems(r, who.hospital().code(), Metrics.SETTLE);
      return Future.failedFuture(rejection(r));
    }
    if (result instanceof SettleResult.Conflict) {
      UUID existing = ((SettleResult.Conflict) result).existingSettlementId();
      return Future.failedFuture(
          Refusal.conflict(
              CLAIM_CONFLICT,
              "claimNo",
              "claimNo is already settled (settlement "
                  + existing
                  + ") with different content; reverse it before settling a corrected claim"));
    }
    return Future.failedFuture(
        Refusal.unprocessable(
            IDEMPOTENCY_KEY_REUSED,
            "Idempotency-Key",
            "Idempotency-Key was used before for a different request"));
  }

  /** 结算撤销: reverses the hospital's settlement and returns it as reversed. */
  public Future<SettlementView> reverse(Principal who, UUID id, String reason) {
    String hospital = who.hospital().code();
    return guard
        .call(() -> store.reverse(hospital, id, reason, who.actor()))
        .compose(
            r -> {
              if (r instanceof ReverseResult.NotFound) {
                return Future.failedFuture(Refusal.notFound("settlement " + id));
              }
              if (r instanceof ReverseResult.Reversed) {
                metrics.reversed();
              }
              return guard.call(() -> queries.find(hospital, id));
            })
        .map(found -> found.orElseThrow(() -> Refusal.notFound("settlement " + id)));
  }

  public Future<SettlementView> find(Principal who, UUID id) {
    return guard
        .call(() -> queries.find(who.hospital().code(), id))
        .map(found -> found.orElseThrow(() -> Refusal.notFound("settlement " + id)));
  }

  public Future<SettlementQueries.Page> search(
      Principal who, String claimNo, LocalDate from, LocalDate to, int page, int size) {
    return guard.call(() -> queries.search(who.hospital().code(), claimNo, from, to, page, size));
  }

  public Future<SettlementQueries.Day> day(Principal who, LocalDate day) {
    return guard.call(() -> queries.day(who.hospital().code(), day));
  }

  /** The person's figures for a year and the policy that governs their room, if any. */
  public record YearFigures(
      Accumulators accumulators,
      Optional<Policy> policy,
      List<Identity> identities,
      LocalDate asOf) {}

  /**
   * The person's figures for a year, for a hospital that treats the person (see {@link #treats});
   * to any other hospital the person is "not found", whether or not they exist.
   */
  public Future<YearFigures> figures(Principal who, String personIdNo, int year) {
    return treats(who, personIdNo)
        .compose(
            yes ->
                yes ? figures(personIdNo, year) : Future.failedFuture(Refusal.notFound("person")));
  }

  /**
   * Whether the hospital treats the person: it admitted them (national 2401, not cancelled) or
   * settled them (a settlement of its own, even reversed) within the treatment window. Only then
   * may it read their year figures; see docs/security.md.
   */
  public Future<Boolean> treats(Principal who, String personIdNo) {
    OffsetDateTime since =
        OffsetDateTime.ofInstant(clock.instant().minus(treatmentWindow), ZoneOffset.UTC);
    return guard.call(() -> queries.treats(who.hospital().code(), personIdNo, since));
  }

  private Future<YearFigures> figures(String personIdNo, int year) {
    // the identities are read once: a second read is another load (with caching off, one still
    // in flight), so its result is not there yet
    Future<Optional<SettlementQueries.Figures>> f =
        guard.call(() -> queries.figures(personIdNo, year));
    Future<List<Identity>> ids = guard.call(() -> identities.current(personIdNo));
    return Future.all(f, ids)
        .map(
            done -> {
              LocalDate today = LocalDate.now(clock.withZone(zone));
              LocalDate asOf = today.getYear() == year ? today : LocalDate.of(year, 12, 31);
              Optional<SettlementQueries.Figures> found = f.result();
              Accumulators a =
                  found
                      .map(SettlementQueries.Figures::accumulators)
                      .orElse(Accumulators.zero(year));
              Optional<Policy> policy =
                  found.flatMap(
                      x ->
                          policies
                              .current()
                              .engine()
                              .policyFor(probe(personIdNo, ManagingOffice.of(personIdNo), asOf)));
              return new YearFigures(a, policy, ids.result(), asOf);
            });
  }

  /**
   * Refuses a claim that names an office other than the one that manages the person (422 {@code
   * OFFICE_MISMATCH}): the hospital does not choose whose money pays, nor whose policy applies.
   */
  static void checkOffice(Claim claim) {
    if (!ManagingOffice.manages(claim.officeCode(), claim.personIdNo())) {
      throw new Refusal(
          Refusal.Kind.UNPROCESSABLE,
          OFFICE_MISMATCH,
          "officeCode",
          "officeCode must be the office that manages the person (the region of their household"
              + " registration, the first six digits of personIdNo); it pays their assistance and"
              + " its region's policy applies");
    }
  }

  /**
   * The claim as the engine sees it: with the region of the enrolment that covers the admission
   * date in place of the office, so that region's policy governs; refused {@code NOT_INSURED} when
   * the register covers no such day. The person's enrolments come from the cache of the register
   * (EnrolmentCache): no statement for a person seen lately, else one indexed query.
   */
  private Future<Claim> governed(Claim claim) {
    Scheme scheme = Scheme.parse(claim.scheme());
    return guard
        .call(() -> enrolments.current(claim.personIdNo()))
        .map(
            held -> {
              Coverage c =
                  scheme == null
                      ? Coverage.of(List.of(), Scheme.RESIDENT, claim.admissionDate())
                      : Coverage.of(held, scheme, claim.admissionDate());
              if (c instanceof Coverage.NotCovered) {
                throw ((Coverage.NotCovered) c).refusal("personIdNo");
              }
              String region = ((Coverage.Covered) c).enrolment().admdvs();
              return region.equals(claim.officeCode()) ? claim : inRegion(claim, region);
            });
  }

  private static Claim inRegion(Claim c, String region) {
    return new Claim(
        c.claimNo(),
        c.personIdNo(),
        c.scheme(),
        region,
        c.hospitalCode(),
        c.hospitalLevel(),
        c.admissionDate(),
        c.dischargeDate(),
        c.lines());
  }

  /** The refusal of a claim number settled already with other content ({@code CONFLICT}). */
  public static final String CLAIM_CONFLICT = "CLAIM_CONFLICT";

  /** The refusal of an Idempotency-Key used before for another request ({@code UNPROCESSABLE}). */
  public static final String IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED";

  /** The refusal of a claim naming an office that does not manage the person. */
  public static final String OFFICE_MISMATCH = "OFFICE_MISMATCH";

  private static Claim probe(String personIdNo, String officeCode, LocalDate day) {
    return new Claim(
        "-", personIdNo, ClaimInput.DEFAULT_SCHEME, officeCode, "-", 1, day, day, List.of());
  }

  private static boolean mayDrawAssistance(
      SettlementEngine engine, Claim claim, List<Identity> held) {
    Optional<Policy> policy = engine.policyFor(claim);
    if (policy.isEmpty()) {
      return false;
    }
    for (Identity i : held) {
      if (i.grantsAssistanceOn(claim.dischargeDate())
          && policy.get().rulesFor(i.category()).assistance() != null) {
        return true;
      }
    }
    return false;
  }

  static String identitiesJson(List<Identity> held) {
    JsonArray a = new JsonArray();
    for (Identity i : held) {
      a.add(
          new JsonObject()
              .put("category", i.category().name())
              .put("validFrom", i.validFrom().toString())
              .put("validTo", i.validTo() == null ? null : i.validTo().toString())
              .put("confirmed", i.confirmed())
              .put(
                  "liftedOutDate",
                  i.liftedOutDate() == null ? null : i.liftedOutDate().toString()));
    }
    return a.encode();
  }

  /**
   * Counts item codes not in the catalogue: a claim refused for one, or the lines paid as self-pay
   * (a settlement made counts its lines in {@link Metrics#settled}, after the commit).
   */
  private void countUnknownItems(SettlementOutcome o, String hospital, String operation) {
    if (o instanceof Rejection) {
      if (((Rejection) o).code() == RejectionCode.UNKNOWN_ITEM) {
        metrics.unknownItems(hospital, operation, Metrics.REFUSED, 1);
      }
      return;
    }
    long unknown = 0;
    for (LinePricing line : ((Settlement) o).lines()) {
      unknown += line.inCatalogue() ? 0 : 1;
    }
    metrics.unknownItems(hospital, operation, Metrics.SELF_PAY, unknown);
  }

  /** A settlement made, in the meters: its count, what each fund paid, its unknown items. */
  private void countSettled(SettlementView s) {
    Map<String, Long> paid = new LinkedHashMap<>();
    for (SettlementView.FundRecord f : s.funds()) {
      paid.merge(f.fundCode(), f.paidFen(), Long::sum);
    }
    long unknown = 0;
    for (SettlementView.LineRecord l : s.lines()) {
      unknown += Boolean.TRUE.equals(l.unknownItem()) ? 1 : 0;
    }
    metrics.settled(s.hospitalCode(), paid, s.personalPayFen(), s.hospitalAdvanceFen(), unknown);
  }

  private Settlement settledOrThrow(SettlementOutcome o) {
    if (o instanceof Rejection) {
      throw rejection((Rejection) o);
    }
    return (Settlement) o;
  }

  private Refusal rejection(Rejection r) {
    return new Refusal(Refusal.Kind.UNPROCESSABLE, r.code().name(), r.field(), r.message());
  }
}
