package org.yizhan.gateway.policy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.yizhan.core.policy.Policy;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.config.PolicyFiles;
import org.yizhan.gateway.config.PolicyFiles.Problem;
import org.yizhan.gateway.infra.db.Sql;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.insured.Regions;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * The life of a policy version (docs/policies.md): drafted by one member of a region's agency
 * staff, checked in full, approved by a second, in force from its start day in every instance.
 *
 * <p>A draft is checked as the loader checks a file (every field, every relation between figures)
 * and against its line's approved versions ({@link Timeline}); all problems are answered at once,
 * each naming its field. The approval checks the line again under the line's lock (it may have
 * changed since the draft) and refuses the author: the maker is never the checker, and the database
 * refuses it too. Each step is an audit entry in the same transaction; an approval also sends the
 * NOTIFY that makes every instance reload its book ({@link PolicyBooks}).
 */
public final class PolicyService {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(PolicyService.class);

  public static final String NOT_AGENCY_REGION = "NOT_AGENCY_REGION";
  public static final String SELF_APPROVAL = MakerChecker.SELF_APPROVAL;
  public static final String NOT_A_DRAFT = MakerChecker.NOT_A_DRAFT;
  public static final String NOT_THE_AUTHOR = MakerChecker.NOT_THE_AUTHOR;

  /** A new start on or before a day a live settlement of the line used (409, field validFrom). */
  public static final String POLICY_PERIOD_SETTLED = "POLICY_PERIOD_SETTLED";

  /** Settlements held the table past the approval's wait (503; approve again). */
  public static final String SETTLEMENTS_BUSY = "SETTLEMENTS_BUSY";

  /** PostgreSQL's lock_not_available: a lock_timeout ran out. */
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  /** The largest policy document accepted, in bytes (the shipped ones are about 3 KB). */
  public static final int DOCUMENT_BYTES_MAX = 256 * 1024;

  static final String NOTIFY = Sql.notify(PolicyBooks.CHANNEL);

  /** What a drafter sends: the document (YAML or JSON text), its 文号 and the reason. */
  public record Draft(String document, String documentNo, String reason) {}

  /** A file of config/policies, seeded on first start. */
  public record Seed(String fileName, String text) {}

  /** What a draft, revision or approval comes to: the version saved, or its problems. */
  public sealed interface Outcome permits Saved, Invalid {}

  /** The version as saved. */
  public record Saved(PolicyVersion version) implements Outcome {}

  /** Refused, with every problem, each naming its field; nothing was written. */
  public record Invalid(List<Problem> problems) implements Outcome {
    public Invalid {
      problems = List.copyOf(problems);
    }
  }

  /** Carries a refusal with problems out of a transaction (rolled back); never leaves here. */
  static final class InvalidDraft extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    InvalidDraft(List<Problem> problems) {
      super(
          "the policy version has "
              + problems.size()
              + " problem(s): "
              + problems.get(0).field()
              + ": "
              + problems.get(0).message(),
          null,
          false,
          false);
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final PolicyBooks books;
  private final Clock clock;
  private final ZoneId zone;

  public PolicyService(Vertx vertx, Pool pool, PolicyBooks books, Clock clock, ZoneId zone) {
    this.vertx = vertx;
    this.pool = pool;
    this.books = books;
    this.clock = clock;
    this.zone = zone;
  }

  public PolicyBooks books() {
    return books;
  }

  /**
   * Writes the shipped files as approved versions when the table is empty (first start; several
   * instances starting at once seed once), then loads the book.
   */
  public Future<PolicyBooks.Snapshot> seed(List<Seed> files) {
    OffsetDateTime now = now();
    return pool.withTransaction(
            conn ->
                PolicyStore.lock(conn, "seed")
                    .compose(v -> conn.preparedQuery(PolicyStore.COUNT).execute())
                    .compose(
                        count ->
                            count.iterator().next().getLong(0) > 0
                                ? Future.succeededFuture()
                                : seedAll(conn, files, now)))
        .compose(v -> books.reload());
  }

  private Future<Void> seedAll(SqlConnection conn, List<Seed> files, OffsetDateTime now) {
    List<Tuple> rows = new ArrayList<>();
    for (Seed f : files) {
      Policy p = PolicyFiles.parseDocument(f.fileName(), f.text());
      rows.add(
          PolicyStore.drafted(
                  p,
                  f.text(),
                  "config/policies/" + f.fileName(),
                  "seeded from the shipped file on first start",
                  now)
              .addString("config:" + f.fileName())
              .addString(PolicyVersion.State.APPROVED.name())
              .addString("system:seed")
              .addOffsetDateTime(now));
    }
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(PolicyStore.INSERT)
        .executeBatch(rows)
        .compose(
            r ->
                Audit.append(
                    conn,
                    "system",
                    "POLICY_SEED",
                    "policy_version",
                    "*",
                    new JsonObject().put("files", files.stream().map(Seed::fileName).toList())));
  }

  /** The versions of the agency's regions, newest first (at most {@link PolicyStore#LIST_MAX}). */
  public Future<List<PolicyVersion>> list(ManagerPrincipal m) {
    String region = m.officeCode();
    int shared = region.endsWith("0000") ? 2 : region.endsWith("00") ? 4 : 6;
    return pool.preparedQuery(PolicyStore.LIST)
        .execute(Tuple.of(region, shared))
        .map(
            rows -> {
              List<PolicyVersion> out = new ArrayList<>();
              rows.forEach(r -> out.add(PolicyStore.version(r)));
              return out;
            });
  }

  /** One version of the agency's regions; another region's is not found. */
  public Future<PolicyVersion> find(ManagerPrincipal m, long id) {
    return pool.withConnection(conn -> PolicyStore.find(conn, id, false))
        .map(found -> found.filter(v -> covers(m, v)).orElseThrow(() -> notFound(id)));
  }

  /** The document of a version, as drafted (the import/export format). */
  public Future<String> document(ManagerPrincipal m, long id) {
    return find(m, id)
        .compose(
            v ->
                pool.preparedQuery(PolicyStore.DOCUMENT)
                    .execute(Tuple.of(id))
                    .map(rows -> rows.iterator().next().getString("document")));
  }

  /**
   * The policy a version's document describes, parsed as the book would (for the impact simulation:
   * the draft's figures before anyone approves them). Any state; the agency's regions.
   */
  public Future<Policy> policyOf(ManagerPrincipal m, long id) {
    return document(m, id)
        .compose(
            text ->
                vertx.executeBlocking(
                    () -> PolicyFiles.parseDocument("version " + id, text), false));
  }

  /** Drafts a new version; refused with every problem when it has any. */
  public Future<Outcome> draft(ManagerPrincipal m, Draft d) {
    return outcome(draftIn(m, d));
  }

  /** Replaces a draft's document, 文号 and reason; its author's alone, and while a draft. */
  public Future<Outcome> revise(ManagerPrincipal m, long id, Draft d) {
    return outcome(reviseIn(m, id, d));
  }

  /**
   * Approves a draft: by anyone of the region's agency staff but its author, and only if it still
   * fits its line today. In force in every instance once the NOTIFY is heard; in this one before
   * the answer.
   */
  public Future<Outcome> approve(ManagerPrincipal m, long id, String note) {
    return outcome(approveIn(m, id, note));
  }

  /**
   * The problems of a draft as its answer, not as a failure: a draft with errors is the drafter's
   * to fix, no fault of the store (whose guard counts failures).
   */
  private static Future<Outcome> outcome(Future<PolicyVersion> saved) {
    return saved
        .<Outcome>map(Saved::new)
        .recover(
            e ->
                e instanceof InvalidDraft invalid
                    ? Future.succeededFuture(new Invalid(invalid.problems()))
                    : Future.failedFuture(e));
  }

  private Future<PolicyVersion> draftIn(ManagerPrincipal m, Draft d) {
    return saveDraft(
        m,
        d,
        "POLICY_DRAFT",
        conn -> Future.succeededFuture(),
        PolicyStore.INSERT,
        p ->
            drafted(d, p)
                .addString(m.actor())
                .addString(PolicyVersion.State.DRAFT.name())
                .addString(null)
                .addOffsetDateTime(null));
  }

  private Future<PolicyVersion> reviseIn(ManagerPrincipal m, long id, Draft d) {
    return saveDraft(
        m,
        d,
        "POLICY_REVISE",
        conn -> authored(conn, m, id, "only its author revises a draft; draft your own version"),
        PolicyStore.REVISE,
        p -> drafted(d, p).addLong(id));
  }

  /**
   * A draft's transaction, new or revised: after {@code before} (the draft's own checks), the
   * line's checks under its lock, then {@code statement} with {@code values} and the audit entry.
   */
  private Future<PolicyVersion> saveDraft(
      ManagerPrincipal m,
      Draft d,
      String action,
      Function<SqlConnection, Future<?>> before,
      String statement,
      Function<Policy, Tuple> values) {
    return checked(m, d)
        .compose(
            c ->
                pool.withTransaction(
                    conn ->
                        before
                            .apply(conn)
                            .compose(v -> lineChecked(conn, c))
                            .compose(
                                p ->
                                    unsettled(conn, p.id().region(), p.id().scheme(), p.validFrom())
                                        .map(v -> p))
                            .compose(p -> change(conn, m, action, statement, values.apply(p)))));
  }

  private Tuple drafted(Draft d, Policy p) {
    return PolicyStore.drafted(p, d.document(), d.documentNo().trim(), d.reason().trim(), now());
  }

  /**
   * Approves a draft. Lock order (every policy change takes a prefix of it; a settlement takes none
   * of the first two, so no cycle): the version's row, the line's advisory lock, then SHARE on the
   * settlement table. Under the last, no settlement commits until this transaction ends, and every
   * one that committed before is visible to the check that follows: none of the line may have used
   * a day from the new start on (docs/policies.md, "A settled day stays settled").
   */
  private Future<PolicyVersion> approveIn(ManagerPrincipal m, long id, String note) {
    return pool.<PolicyVersion>withTransaction(
            conn ->
                reviewed(
                        conn,
                        m,
                        id,
                        "the author of a draft cannot approve it: a second member of the agency's"
                            + " staff must")
                    .compose(
                        current ->
                            PolicyStore.lock(conn, current.line())
                                .compose(
                                    v -> PolicyStore.line(conn, current.region(), current.scheme()))
                                .compose(
                                    line -> {
                                      List<Problem> problems =
                                          Timeline.check(
                                              line,
                                              current.validFrom(),
                                              current.validTo(),
                                              today());
                                      return problems.isEmpty()
                                          ? Future.<Void>succeededFuture()
                                          : Future.failedFuture(new InvalidDraft(problems));
                                    })
                                .compose(v -> lockSettlements(conn))
                                .compose(
                                    v ->
                                        unsettled(
                                            conn,
                                            current.region(),
                                            current.scheme(),
                                            current.validFrom()))
                                .compose(
                                    v -> decide(conn, m, id, PolicyVersion.State.APPROVED, note)))
                    .compose(
                        saved ->
                            conn.preparedQuery(NOTIFY)
                                .execute(Tuple.of(Long.toString(saved.id())))
                                .map(v -> saved)))
        // committed: the answer is the approval even if this instance's reload fails (it logs, and
        // the NOTIFY makes it try again)
        .compose(saved -> books.reload().transform(ar -> reloaded(ar, saved)));
  }

  /** SHARE on settlement (see approveIn); refused as busy when settlements hold it too long. */
  private static Future<Void> lockSettlements(SqlConnection conn) {
    return conn.query(PolicyStore.LOCK_SETTLEMENTS)
        .execute()
        .<Void>mapEmpty()
        .recover(
            e ->
                e instanceof PgException pg && LOCK_NOT_AVAILABLE.equals(pg.getSqlState())
                    ? Future.failedFuture(
                        new Refusal(
                            Refusal.Kind.UNAVAILABLE,
                            SETTLEMENTS_BUSY,
                            null,
                            "settlements kept the table busy for "
                                + PolicyStore.SETTLEMENTS_WAIT_MILLIS
                                + " ms; approve again"))
                    : Future.failedFuture(e));
  }

  /**
   * Refuses a start on or before the latest discharge day a live settlement of the line has used
   * (from {@code from} on): that day was settled under another version, and a settlement's version
   * is never changed after the fact.
   */
  private static Future<Void> unsettled(
      SqlConnection conn, String region, String scheme, LocalDate from) {
    return PolicyStore.settledFrom(conn, region, scheme, from)
        .compose(
            latest ->
                latest.isEmpty()
                    ? Future.succeededFuture()
                    : Future.failedFuture(
                        Refusal.conflict(
                            POLICY_PERIOD_SETTLED,
                            "validFrom",
                            "validFrom "
                                + from
                                + " would govern discharges already settled under the version in"
                                + " force (the latest on "
                                + latest.get()
                                + "): start on "
                                + latest.get().plusDays(1)
                                + " or later")));
  }

  private static Future<PolicyVersion> reloaded(
      io.vertx.core.AsyncResult<PolicyBooks.Snapshot> ar, PolicyVersion saved) {
    if (ar.failed()) {
      LOG.error("policy book reload after approving version {} failed", saved.id(), ar.cause());
    }
    return Future.succeededFuture(saved);
  }

  /** Rejects a draft with a note saying why; not by its author (who withdraws instead). */
  public Future<PolicyVersion> reject(ManagerPrincipal m, long id, String note) {
    return pool.withTransaction(
        conn ->
            reviewed(conn, m, id, "the author of a draft cannot review it; withdraw it instead")
                .compose(v -> decide(conn, m, id, PolicyVersion.State.REJECTED, note)));
  }

  /** Withdraws a draft: its author's alone. */
  public Future<PolicyVersion> withdraw(ManagerPrincipal m, long id) {
    return pool.withTransaction(
        conn ->
            authored(conn, m, id, "only the author withdraws a draft")
                .compose(
                    v ->
                        change(
                            conn,
                            m,
                            "POLICY_WITHDRAW",
                            PolicyStore.DECIDE,
                            Tuple.of(id, PolicyVersion.State.WITHDRAWN.name(), null, null, null))));
  }

  private Future<PolicyVersion> decide(
      SqlConnection conn, ManagerPrincipal m, long id, PolicyVersion.State state, String note) {
    return change(
        conn,
        m,
        state == PolicyVersion.State.APPROVED ? "POLICY_APPROVE" : "POLICY_REJECT",
        PolicyStore.DECIDE,
        Tuple.of(id, state.name(), m.actor(), now(), note));
  }

  /** Runs a statement returning the version's row, and its audit entry, in {@code conn}'s tx. */
  private static Future<PolicyVersion> change(
      SqlConnection conn, ManagerPrincipal m, String action, String statement, Tuple values) {
    return conn.preparedQuery(statement)
        .execute(values)
        .map(rows -> PolicyStore.first(rows).orElseThrow())
        .compose(saved -> audit(conn, m, action, saved).map(v -> saved));
  }

  /** The draft {@code id}, locked, for its author to revise or withdraw. */
  private Future<PolicyVersion> authored(
      SqlConnection conn, ManagerPrincipal m, long id, String refusal) {
    return lockedDraft(conn, m, id)
        .compose(v -> MakerChecker.byAuthor(v.author(), m.actor(), refusal).map(ok -> v));
  }

  /** The draft {@code id}, locked, for anyone but its author to approve or reject. */
  private Future<PolicyVersion> reviewed(
      SqlConnection conn, ManagerPrincipal m, long id, String refusal) {
    return lockedDraft(conn, m, id)
        .compose(v -> MakerChecker.notByAuthor(v.author(), m.actor(), refusal).map(ok -> v));
  }

  /** The draft {@code id} of the agency's regions, locked; refused when not a draft. */
  private Future<PolicyVersion> lockedDraft(SqlConnection conn, ManagerPrincipal m, long id) {
    return PolicyStore.find(conn, id, true)
        .compose(
            found -> {
              if (found.isEmpty() || !covers(m, found.get())) {
                return Future.failedFuture(notFound(id));
              }
              PolicyVersion v = found.get();
              return MakerChecker.draft(
                      v.state() == PolicyVersion.State.DRAFT, id, v.state().name())
                  .map(ok -> v);
            });
  }

  /** A parsed draft and the problems of its other fields (the line's are checked later). */
  private record Checked(Policy policy, List<Problem> problems) {}

  /**
   * Parses and checks a draft off the event loop: every problem of the document and its fields.
   * Refused at once when the document cannot be read as a policy (there is no line to check it
   * against); otherwise the problems travel on to the line's check, to be listed with its own.
   */
  private Future<Checked> checked(ManagerPrincipal m, Draft d) {
    return vertx
        .executeBlocking(
            () -> {
              List<Problem> problems = new ArrayList<>();
              if (d.documentNo() == null || d.documentNo().isBlank()) {
                problems.add(
                    new Problem("documentNo", "is required (the 文号 the version implements)"));
              } else if (d.documentNo().length() > 100) {
                problems.add(new Problem("documentNo", "must be at most 100 characters"));
              }
              if (d.reason() == null || d.reason().isBlank()) {
                problems.add(new Problem("reason", "is required (why the version is made)"));
              } else if (d.reason().length() > 1000) {
                problems.add(new Problem("reason", "must be at most 1000 characters"));
              }
              try {
                return new Checked(PolicyFiles.parseDocument("document", d.document()), problems);
              } catch (PolicyFiles.Invalid e) {
                problems.addAll(e.problems());
                throw new InvalidDraft(problems);
              }
            },
            false)
        .compose(
            c ->
                covers(m, c.policy().id().region())
                    ? Future.succeededFuture(c)
                    : Future.failedFuture(
                        Refusal.forbidden(
                            NOT_AGENCY_REGION,
                            "region",
                            "region "
                                + c.policy().id().region()
                                + " is not the agency's ("
                                + m.officeCode()
                                + ")")));
  }

  /**
   * The line's checks under the line's lock (which the transaction holds until COMMIT), listed with
   * the draft's other problems; fails with all of them when there is any.
   */
  private Future<Policy> lineChecked(SqlConnection conn, Checked c) {
    Policy p = c.policy();
    String region = p.id().region();
    String scheme = p.id().scheme();
    return PolicyStore.lock(conn, region + "/" + scheme)
        .compose(v -> PolicyStore.line(conn, region, scheme))
        .compose(
            line -> {
              List<Problem> problems = new ArrayList<>(c.problems());
              problems.addAll(Timeline.check(line, p.validFrom(), p.validTo(), today()));
              return problems.isEmpty()
                  ? Future.succeededFuture(p)
                  : Future.failedFuture(new InvalidDraft(problems));
            });
  }

  private static Future<Void> audit(
      SqlConnection conn, ManagerPrincipal m, String action, PolicyVersion v) {
    JsonObject details =
        new JsonObject()
            .put("region", v.region())
            .put("scheme", v.scheme())
            .put("year", v.year())
            .put("validFrom", v.validFrom().toString())
            .put("validTo", v.validTo().toString())
            .put("documentNo", v.documentNo())
            .put("reason", v.reason())
            .put("author", v.author())
            .put("documentSha256", v.documentSha256());
    if (v.reviewNote() != null) {
      details.put("note", v.reviewNote());
    }
    return Audit.append(conn, m.actor(), action, "policy_version", Long.toString(v.id()), details);
  }

  private static boolean covers(ManagerPrincipal m, PolicyVersion v) {
    return covers(m, v.region());
  }

  private static boolean covers(ManagerPrincipal m, String region) {
    return Regions.covers(m.officeCode(), region);
  }

  private static Refusal notFound(long id) {
    return Refusal.notFound("policy version " + id);
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), zone);
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(
        Instant.now(clock).truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
  }
}
