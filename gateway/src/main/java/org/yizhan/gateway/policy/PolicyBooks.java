package org.yizhan.gateway.policy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.model.Claim;
import org.yizhan.core.policy.Policy;
import org.yizhan.core.policy.PolicyBook;
import org.yizhan.core.policy.UnknownItems;
import org.yizhan.gateway.config.PolicyFiles;

/**
 * The policy book and catalogue in force in this instance, swapped whole when the approved versions
 * of either change.
 *
 * <p>A {@link Snapshot} is immutable: the book built from every approved policy version, the
 * catalogue built from every approved catalogue version ({@link CatalogueBook}), the engine over
 * both, and which version each policy and each catalogue day is. A settlement takes one snapshot
 * and uses it from the choice of policy and catalogue to the version numbers it stores, so it sees
 * the book before a change or after it, never half of it, and never a policy of one reload with the
 * catalogue of another. An approval anywhere announces itself on PostgreSQL channel {@link
 * #CHANNEL} at its COMMIT (policy and catalogue approvals alike); every instance listening (see
 * infra.db.ChangeListener) reloads, builds the new snapshot off the event loop and swaps it in one
 * reference write. A reload that finishes after a newer one is dropped: approved versions are only
 * ever added, so the snapshot with more of them is the newer.
 */
public final class PolicyBooks {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyBooks.class);

  /** The NOTIFY channel of "the approved versions changed"; the payload is the version id. */
  public static final String CHANNEL = "yizhan_policy_versions";

  /** One immutable state of the book: the engine over it and each policy's version number. */
  public static final class Snapshot {
    private final PolicyBook book;
    private final CatalogueBook catalogues;
    private final SettlementEngine engine;
    private final Map<Policy, Long> versions;

    Snapshot(
        PolicyBook book,
        CatalogueBook catalogues,
        SettlementEngine engine,
        IdentityHashMap<Policy, Long> versions) {
      this.book = book;
      this.catalogues = catalogues;
      this.engine = engine;
      this.versions = versions;
    }

    public PolicyBook book() {
      return book;
    }

    public SettlementEngine engine() {
      return engine;
    }

    /** The approved catalogue versions the engine prices by. */
    public CatalogueBook catalogues() {
      return catalogues;
    }

    /** How many approved versions (policy and catalogue) the book was built from. */
    public int versionCount() {
      return versions.size() + catalogues.versionCount();
    }

    /** The version number of a policy of this book (the very object the book holds). */
    public Optional<Long> versionOf(Policy p) {
      return Optional.ofNullable(versions.get(p));
    }

    /** The version of the policy that governs {@code claim} under this book, if any. */
    public Optional<Long> versionFor(Claim claim) {
      return engine.policyFor(claim).flatMap(this::versionOf);
    }

    /** The catalogue version that prices {@code claim} under this book (its discharge date's). */
    public Optional<Long> catalogueVersionFor(Claim claim) {
      return catalogues.versionOn(claim.dischargeDate());
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final Map<String, UnknownItems> unknownItemsByHospital;
  private final AtomicReference<Snapshot> current = new AtomicReference<>();

  public PolicyBooks(Vertx vertx, Pool pool, Map<String, UnknownItems> unknownItemsByHospital) {
    this.vertx = vertx;
    this.pool = pool;
    this.unknownItemsByHospital = Map.copyOf(unknownItemsByHospital);
  }

  /** The book in force now; take it once per use and keep it (see the class comment). */
  public Snapshot current() {
    Snapshot s = current.get();
    if (s == null) {
      throw new IllegalStateException("the policy book is not loaded yet");
    }
    return s;
  }

  /** Reads every approved version and swaps the new book in (unless a newer one got there). */
  public Future<Snapshot> reload() {
    Snapshot held = current.get();
    Future<CatalogueBook> catalogues =
        CatalogueBook.load(vertx, pool, held == null ? CatalogueBook.EMPTY : held.catalogues());
    Future<Map<Long, String>> policies =
        pool.preparedQuery(PolicyStore.APPROVED)
            .execute()
            .map(
                rows -> {
                  Map<Long, String> documents = new HashMap<>();
                  for (Row r : rows) {
                    documents.put(r.getLong("id"), r.getString("document"));
                  }
                  return documents;
                });
    return Future.all(policies, catalogues)
        .compose(
            both ->
                vertx.executeBlocking(() -> build(policies.result(), catalogues.result()), false))
        .map(
            built -> {
              Snapshot now =
                  current.accumulateAndGet(
                      built,
                      (old, next) ->
                          old == null || next.versionCount() >= old.versionCount() ? next : old);
              if (now == built) {
                LOG.info(
                    "policy book: {} approved policy and catalogue versions in force",
                    built.versionCount());
              }
              return now;
            });
  }

  /** Reloads, logging a failure (the old book stays in force). */
  public void reloadQuietly() {
    reload().onFailure(e -> LOG.error("policy book reload failed; the old book stays", e));
  }

  private Snapshot build(Map<Long, String> documents, CatalogueBook catalogues) {
    Map<String, List<Policy>> byLine = new HashMap<>();
    IdentityHashMap<Policy, Long> parsed = new IdentityHashMap<>();
    for (Map.Entry<Long, String> d : documents.entrySet()) {
      Policy p = PolicyFiles.parseDocument("version " + d.getKey(), d.getValue());
      parsed.put(p, d.getKey());
      byLine
          .computeIfAbsent(p.id().region() + "/" + p.id().scheme(), k -> new ArrayList<>())
          .add(p);
    }
    List<Policy> all = new ArrayList<>();
    IdentityHashMap<Policy, Long> versions = new IdentityHashMap<>();
    for (List<Policy> line : byLine.values()) {
      Map<java.time.LocalDate, Long> idByStart = new HashMap<>();
      for (Policy p : line) {
        idByStart.put(p.validFrom(), parsed.get(p));
      }
      for (Policy p : Timeline.effective(line)) {
        all.add(p);
        versions.put(p, idByStart.get(p.validFrom()));
      }
    }
    PolicyBook book = PolicyBook.of(all);
    return new Snapshot(
        book,
        catalogues,
        new SettlementEngine(book, catalogues.catalogue(), unknownItemsByHospital),
        versions);
  }
}
