package org.yizhan.gateway.policy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.yizhan.core.catalogue.CatalogueEntry;
import org.yizhan.gateway.audit.Audit;
import org.yizhan.gateway.config.CatalogueFiles;
import org.yizhan.gateway.config.CatalogueFiles.Problem;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.insured.Regions;
import org.yizhan.gateway.policy.PolicyVersion.State;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;

/**
 * The life of a catalogue version (docs/policies.md, "The catalogue"): an upload of the whole
 * catalogue as CSV by one member of the scope's agency staff, checked line by line, approved by a
 * second, in force from its start day in every instance.
 *
 * <p>The rules are the policy versions' ({@link PolicyService}), and so are the pieces that hold
 * them: the timeline's checks ({@link Timeline}: no start in the past, no overlap, no gap), the
 * line's advisory lock ({@link PolicyStore#lock}), the states ({@link PolicyVersion.State}), the
 * refusal codes, the NOTIFY channel that makes every instance reload its book ({@link
 * PolicyBooks#CHANNEL}), and the database's own guards (reviewer ≠ author; frozen once decided).
 * What differs is the document: a CSV whose every bad line is listed with its line and column.
 */
public final class CatalogueService {
  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(CatalogueService.class);

  /** The audit log's entity type of a catalogue version. */
  static final String ENTITY = "catalogue_version";

  /** What a drafter sends: the CSV's bytes and the version's days, 文号 and reason. */
  public record Draft(
      byte[] csv, LocalDate validFrom, LocalDate validTo, String documentNo, String reason) {}

  /** What a draft or an approval comes to: the version saved, or every problem. */
  public sealed interface Outcome permits Saved, Invalid {}

  /** The version as saved. */
  public record Saved(CatalogueVersion version) implements Outcome {}

  /** Refused, with every problem (lines of the CSV and fields of the draft); nothing written. */
  public record Invalid(List<Problem> problems) implements Outcome {
    public Invalid {
      problems = List.copyOf(problems);
    }
  }

  /** How a draft differs from another version, code by code (each list sorted by code). */
  public record Diff(
      long version,
      Long against,
      List<CatalogueEntry> added,
      List<CatalogueEntry> removed,
      List<Change> changed) {}

  /** One code's periods before and after. */
  public record Change(String code, List<CatalogueEntry> before, List<CatalogueEntry> after) {}

  /** Carries a draft's problems out of its transaction (rolled back); never leaves here. */
  private static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    Refused(List<Problem> problems) {
      super(problems.size() + " catalogue problem(s)", null, false, false);
      this.problems = List.copyOf(problems);
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final PolicyBooks books;
  private final String scope;
  private final Clock clock;
  private final ZoneId zone;

  /**
   * @param scope the region whose catalogue this gateway keeps ({@link
   *     CatalogueFiles#SHIPPED_SCOPE}); its agency staff draft and approve
   */
  public CatalogueService(
      Vertx vertx, Pool pool, PolicyBooks books, String scope, Clock clock, ZoneId zone) {
    this.vertx = vertx;
    this.pool = pool;
    this.books = books;
    this.scope = scope;
    this.clock = clock;
    this.zone = zone;
  }

  public PolicyBooks books() {
    return books;
  }

  /**
   * Writes the shipped CSV as the first, approved version when there is none (first start; several
   * instances starting at once seed once). Its days: from its earliest entry on, open-ended. The
   * book is loaded by the policy seed that follows ({@link PolicyService#seed}).
   */
  public Future<Void> seed(String fileNames, String text) {
    OffsetDateTime now = now();
    return pool.withTransaction(
        conn ->
            CatalogueStore.lock(conn, "seed")
                .compose(v -> conn.preparedQuery(CatalogueStore.COUNT).execute())
                .compose(
                    count ->
                        count.iterator().next().getLong(0) > 0
                            ? Future.succeededFuture()
                            : seedIn(conn, fileNames, text, now)));
  }

  private Future<Void> seedIn(
      SqlConnection conn, String fileNames, String text, OffsetDateTime at) {
    CatalogueFiles.Parsed parsed = CatalogueFiles.parse(text);
    if (!parsed.problems().isEmpty()) {
      Problem p = parsed.problems().get(0);
      throw new IllegalStateException(
          fileNames + ": line " + p.line() + ": " + p.field() + ": " + p.message());
    }
    LocalDate from =
        parsed.entries().stream()
            .map(CatalogueEntry::validFrom)
            .min(Comparator.naturalOrder())
            .orElseThrow();
    Tuple row =
        insertTuple(from, null, parsed.entries().size(), text, "config/catalogue/" + fileNames, at)
            .addString("seeded from the shipped file on first start")
            .addString("config:" + fileNames)
            .addOffsetDateTime(at);
    return insert(conn, row, new Checked(parsed.entries(), parsed.lines(), List.of()))
        .compose(
            v ->
                conn.preparedQuery(CatalogueStore.DECIDE)
                    .execute(Tuple.of(v.id(), State.APPROVED.name(), "system:seed", at, null)))
        .compose(
            r ->
                Audit.append(
                    conn,
                    "system",
                    "CATALOGUE_SEED",
                    ENTITY,
                    "*",
                    new JsonObject()
                        .put("files", fileNames)
                        .put("entries", parsed.entries().size())));
  }

  /** Every version, newest first (any agency reads the catalogue). */
  public Future<List<CatalogueVersion>> list() {
    return pool.preparedQuery(CatalogueStore.LIST)
        .execute()
        .map(
            rows -> {
              List<CatalogueVersion> out = new ArrayList<>();
              rows.forEach(r -> out.add(CatalogueStore.version(r)));
              return out;
            });
  }

  public Future<CatalogueVersion> find(long id) {
    return pool.withConnection(conn -> CatalogueStore.find(conn, id, false))
        .map(found -> found.orElseThrow(() -> notFound(id)));
  }

  /** The version's CSV as uploaded (decoded; the export format). */
  public Future<String> document(long id) {
    return find(id)
        .compose(
            v ->
                pool.preparedQuery(CatalogueStore.DOCUMENT)
                    .execute(Tuple.of(id))
                    .map(rows -> rows.iterator().next().getString("document")));
  }

  /** The version in force on {@code date} in this instance's live book, if any. */
  public Optional<Long> inForce(LocalDate date) {
    return books.current().catalogues().versionOn(date);
  }

  /**
   * How version {@code id} differs from {@code against}, or (null) from the version in force the
   * day before it starts, or today if none was.
   */
  public Future<Diff> diff(long id, Long against) {
    return find(id)
        .compose(
            v -> {
              Long other = against;
              if (other == null) {
                other =
                    inForce(v.validFrom().minusDays(1))
                        .or(() -> inForce(today()))
                        .filter(o -> o != id)
                        .orElse(null);
              }
              Long base = other;
              Long[] ids = base == null ? new Long[] {id} : new Long[] {id, base};
              return pool.preparedQuery(CatalogueStore.ENTRIES_OF)
                  .execute(Tuple.of((Object) ids))
                  .compose(
                      rows -> {
                        List<CatalogueEntry> after = new ArrayList<>();
                        List<CatalogueEntry> before = new ArrayList<>();
                        rows.forEach(
                            r ->
                                (r.getLong("version") == id ? after : before)
                                    .add(CatalogueBook.entry(r)));
                        return vertx.executeBlocking(
                            () -> CatalogueDiff.of(id, base, before, after), false);
                      });
            });
  }

  /** Drafts a new version; refused with every problem when it has any. */
  public Future<Outcome> draft(ManagerPrincipal m, Draft d) {
    if (!Regions.covers(m.officeCode(), scope)) {
      return Future.failedFuture(
          Refusal.forbidden(
              PolicyService.NOT_AGENCY_REGION,
              "scope",
              "目录由 " + scope + " 的经办机构维护；" + m.officeCode() + " 不能起草 (not the agency's scope)"));
    }
    OffsetDateTime now = now();
    return outcome(
        vertx
            .executeBlocking(() -> checked(d), false)
            .compose(
                parsed ->
                    pool.withTransaction(
                        conn ->
                            timelineChecked(conn, d.validFrom(), d.validTo(), parsed.problems())
                                .compose(
                                    ok -> {
                                      String text = CatalogueFiles.decode(d.csv());
                                      Tuple row =
                                          insertTuple(
                                                  d.validFrom(),
                                                  d.validTo(),
                                                  parsed.entries().size(),
                                                  text,
                                                  d.documentNo().trim(),
                                                  now)
                                              .addString(d.reason().trim())
                                              .addString(m.actor())
                                              .addOffsetDateTime(now);
                                      return insert(conn, row, parsed);
                                    })
                                .compose(
                                    saved ->
                                        audit(conn, m.actor(), "CATALOGUE_DRAFT", saved)
                                            .map(v -> saved)))));
  }

  /**
   * Approves a draft: by anyone of the scope's agency staff but its author, and only if it still
   * fits the line today. In force in every instance once the NOTIFY is heard; here before the
   * answer.
   */
  public Future<Outcome> approve(ManagerPrincipal m, long id, String note) {
    return outcome(
        pool.<CatalogueVersion>withTransaction(
                conn ->
                    reviewable(conn, m, id)
                        .compose(
                            draft ->
                                timelineChecked(conn, draft.validFrom(), draft.validTo(), List.of())
                                    .compose(
                                        ok -> decide(conn, m.actor(), id, State.APPROVED, note)))
                        .compose(
                            saved ->
                                conn.preparedQuery(PolicyService.NOTIFY)
                                    .execute(Tuple.of("catalogue:" + saved.id()))
                                    .map(v -> saved)))
            .compose(saved -> reloadedAfter(saved)));
  }

  /** Rejects a draft with a note saying why; not by its author (who withdraws instead). */
  public Future<CatalogueVersion> reject(ManagerPrincipal m, long id, String note) {
    return pool.withTransaction(
        conn ->
            reviewable(conn, m, id)
                .compose(draft -> decide(conn, m.actor(), id, State.REJECTED, note)));
  }

  /** Withdraws a draft: its author's alone. */
  public Future<CatalogueVersion> withdraw(ManagerPrincipal m, long id) {
    return pool.withTransaction(
        conn ->
            draftOf(conn, m, id)
                .compose(
                    draft ->
                        MakerChecker.byAuthor(
                                draft.author(),
                                m.actor(),
                                "只有起草人 ("
                                    + draft.author()
                                    + ") 可以撤回草稿 (only the author withdraws a draft)")
                            .map(ok -> draft))
                .compose(draft -> decide(conn, m.actor(), id, State.WITHDRAWN, null)));
  }

  /** The draft {@code id}, locked, for a reviewer who is not its author. */
  private Future<CatalogueVersion> reviewable(SqlConnection conn, ManagerPrincipal m, long id) {
    return draftOf(conn, m, id)
        .compose(
            draft ->
                MakerChecker.notByAuthor(
                        draft.author(),
                        m.actor(),
                        "起草人不能审核自己的草稿，须由另一名经办人审核"
                            + " (the author of a draft cannot review it: a second member must)")
                    .map(ok -> draft));
  }

  /** The draft {@code id}, locked; refused when not a draft or not the agency's scope. */
  private Future<CatalogueVersion> draftOf(SqlConnection conn, ManagerPrincipal m, long id) {
    return CatalogueStore.find(conn, id, true)
        .compose(
            found -> {
              if (found.isEmpty()) {
                return Future.failedFuture(notFound(id));
              }
              CatalogueVersion v = found.get();
              if (!Regions.covers(m.officeCode(), v.scope())) {
                return Future.failedFuture(
                    Refusal.forbidden(
                        PolicyService.NOT_AGENCY_REGION,
                        "scope",
                        "目录由 " + v.scope() + " 的经办机构维护 (not the agency's scope)"));
              }
              return MakerChecker.draft(v.state() == State.DRAFT, id, v.state().name())
                  .map(ok -> v);
            });
  }

  private Future<CatalogueVersion> decide(
      SqlConnection conn, String actor, long id, State state, String note) {
    boolean reviewed = state == State.APPROVED || state == State.REJECTED;
    return conn.preparedQuery(CatalogueStore.DECIDE)
        .execute(Tuple.of(id, state.name(), reviewed ? actor : null, reviewed ? now() : null, note))
        .map(rows -> CatalogueStore.first(rows).orElseThrow())
        .compose(saved -> audit(conn, actor, "CATALOGUE_" + verb(state), saved).map(v -> saved));
  }

  private static String verb(State state) {
    return state == State.APPROVED ? "APPROVE" : state == State.REJECTED ? "REJECT" : "WITHDRAW";
  }

  /** A parsed upload with each entry's line. */
  private record Checked(
      List<CatalogueEntry> entries, List<Integer> lines, List<Problem> problems) {}

  /** Decodes and parses the CSV and checks the draft's fields; every problem, none thrown. */
  private static Checked checked(Draft d) {
    List<Problem> problems = new ArrayList<>();
    if (d.documentNo() == null || d.documentNo().isBlank() || d.documentNo().length() > 100) {
      problems.add(new Problem(0, "documentNo", "文号必填，至多 100 字 (the 文号 the version implements)"));
    }
    if (d.reason() == null || d.reason().isBlank() || d.reason().length() > 1000) {
      problems.add(new Problem(0, "reason", "修订理由必填，至多 1000 字 (why the version is made)"));
    }
    if (d.validFrom() == null) {
      problems.add(new Problem(0, "validFrom", "生效日期必填 (the first day the version prices)"));
    } else if (d.validTo() != null && d.validTo().isBefore(d.validFrom())) {
      problems.add(new Problem(0, "validTo", "失效日期早于生效日期 " + d.validFrom()));
    }
    String text = CatalogueFiles.decode(d.csv());
    if (text == null) {
      problems.add(new Problem(0, "csv", "文件既非 UTF-8 也非 GBK/GB18030 文本；请另存为 CSV"));
      return new Checked(List.of(), List.of(), problems);
    }
    CatalogueFiles.Parsed parsed = CatalogueFiles.parse(text);
    problems.addAll(parsed.problems());
    return new Checked(parsed.entries(), parsed.lines(), problems);
  }

  /**
   * The scope's timeline checked under its lock (held until COMMIT), with the problems found
   * before; fails with all of them when there is any.
   */
  private Future<Void> timelineChecked(
      SqlConnection conn, LocalDate from, LocalDate to, List<Problem> before) {
    return CatalogueStore.lock(conn, scope)
        .compose(v -> CatalogueStore.line(conn, scope))
        .compose(
            line -> {
              List<Problem> problems = new ArrayList<>(before);
              if (from != null) {
                for (org.yizhan.gateway.config.PolicyFiles.Problem p :
                    Timeline.check(
                        line, from, to == null ? CatalogueStore.OPEN_END : to, today())) {
                  problems.add(new Problem(0, p.field(), p.message()));
                }
              }
              return problems.isEmpty()
                  ? Future.<Void>succeededFuture()
                  : Future.failedFuture(new Refused(problems));
            });
  }

  private static Future<CatalogueVersion> insert(SqlConnection conn, Tuple row, Checked parsed) {
    return conn.preparedQuery(CatalogueStore.INSERT)
        .execute(row)
        .map(rows -> CatalogueStore.first(rows).orElseThrow())
        .compose(
            saved ->
                CatalogueStore.insertEntries(conn, saved.id(), parsed.entries(), parsed.lines())
                    .map(v -> saved));
  }

  /** The insert's first six values; the caller adds reason, author and time. */
  private Tuple insertTuple(
      LocalDate from,
      LocalDate to,
      int entries,
      String text,
      String documentNo,
      OffsetDateTime at) {
    return Tuple.tuple()
        .addString(scope)
        .addLocalDate(from)
        .addLocalDate(to)
        .addInteger(entries)
        .addString(text)
        .addString(Digests.sha256Hex(text))
        .addString(documentNo);
  }

  private static Future<Outcome> outcome(Future<CatalogueVersion> saved) {
    return saved
        .<Outcome>map(Saved::new)
        .recover(
            e ->
                e instanceof Refused refused
                    ? Future.succeededFuture(new Invalid(refused.problems))
                    : Future.failedFuture(e));
  }

  private static Future<Void> audit(
      SqlConnection conn, String actor, String action, CatalogueVersion v) {
    JsonObject details =
        new JsonObject()
            .put("scope", v.scope())
            .put("validFrom", v.validFrom().toString())
            .put("validTo", v.validTo() == null ? null : v.validTo().toString())
            .put("entries", v.entryCount())
            .put("documentNo", v.documentNo())
            .put("reason", v.reason())
            .put("author", v.author())
            .put("documentSha256", v.documentSha256());
    if (v.reviewNote() != null) {
      details.put("note", v.reviewNote());
    }
    return Audit.append(conn, actor, action, ENTITY, Long.toString(v.id()), details);
  }

  private static Refusal notFound(long id) {
    return Refusal.notFound("catalogue version " + id);
  }

  /**
   * After an approval's COMMIT: this instance's book reloaded before the answer. The answer is the
   * approval even if the reload fails (it is logged; the NOTIFY makes every instance try again).
   */
  private Future<CatalogueVersion> reloadedAfter(CatalogueVersion saved) {
    return books
        .reload()
        .transform(
            ar -> {
              if (ar.failed()) {
                LOG.error(
                    "book reload after approving catalogue {} failed", saved.id(), ar.cause());
              }
              return Future.succeededFuture(saved);
            });
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), zone);
  }

  private OffsetDateTime now() {
    return OffsetDateTime.ofInstant(
        java.time.Instant.now(clock).truncatedTo(java.time.temporal.ChronoUnit.MICROS),
        java.time.ZoneOffset.UTC);
  }
}
