package org.yizhan.gateway.policy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yizhan.core.catalogue.Catalogue;
import org.yizhan.core.catalogue.CatalogueEntry;
import org.yizhan.core.model.Category;
import org.yizhan.core.model.Ratio;

/**
 * The approved catalogue versions as the engine sees them: one core {@link Catalogue} in which each
 * version's entries hold only inside the days the version governs.
 *
 * <p>A version governs from its {@code validFrom} until the day before the next approved version
 * starts, or its own {@code validTo} if that comes first (as a policy line does: {@link Timeline}).
 * The engine looks an item up on the claim's discharge date; clipping every entry to its version's
 * days makes that lookup answer from the version in force on that date, and only from it. So a
 * claim is priced wholly under one version, and {@link #versionOn} names the same version for the
 * record. Immutable; built off the event loop.
 *
 * <p>An approved version never changes (the database freezes it and its entries), so a reload reads
 * the entries of the versions it does not hold yet and keeps the others' ({@link #load}).
 */
public final class CatalogueBook {
  /** One approved version: its days as approved and its entries as uploaded. */
  record Version(long id, LocalDate validFrom, LocalDate validTo, List<CatalogueEntry> entries) {}

  /** The days one version governs. */
  private record Governs(long id, LocalDate from, LocalDate to) {}

  static final CatalogueBook EMPTY = new CatalogueBook(List.of());

  private final List<Version> versions;
  private final List<Governs> periods;
  private final Catalogue catalogue;

  CatalogueBook(List<Version> approved) {
    List<Version> sorted = new ArrayList<>(approved);
    sorted.sort(Comparator.comparing(Version::validFrom));
    this.versions = List.copyOf(sorted);
    List<Governs> periods = new ArrayList<>(sorted.size());
    List<CatalogueEntry> entries = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      Version v = sorted.get(i);
      LocalDate to = v.validTo();
      if (i + 1 < sorted.size()) {
        LocalDate before = sorted.get(i + 1).validFrom().minusDays(1);
        to = to == null || before.isBefore(to) ? before : to;
      }
      periods.add(new Governs(v.id(), v.validFrom(), to));
      for (CatalogueEntry e : v.entries()) {
        CatalogueEntry clipped = clipped(e, v.validFrom(), to);
        if (clipped != null) {
          entries.add(clipped);
        }
      }
    }
    this.periods = List.copyOf(periods);
    this.catalogue = Catalogue.of(entries);
  }

  /** The engine's catalogue: every version's entries inside its own days. */
  public Catalogue catalogue() {
    return catalogue;
  }

  /** How many approved versions it holds. */
  public int versionCount() {
    return versions.size();
  }

  /** The version that governs {@code date}, if any. */
  public Optional<Long> versionOn(LocalDate date) {
    for (Governs g : periods) {
      if (!date.isBefore(g.from()) && (g.to() == null || !date.isAfter(g.to()))) {
        return Optional.of(g.id());
      }
    }
    return Optional.empty();
  }

  /** The entries of an approved version as uploaded (not clipped), or empty if not held. */
  Optional<List<CatalogueEntry>> entriesOf(long id) {
    return versions.stream().filter(v -> v.id() == id).findFirst().map(Version::entries);
  }

  /** The entry {@code e} inside {@code from}–{@code to} ({@code null}: open), or null if none. */
  private static CatalogueEntry clipped(CatalogueEntry e, LocalDate from, LocalDate to) {
    LocalDate start = e.validFrom().isBefore(from) ? from : e.validFrom();
    LocalDate end = e.validTo();
    if (to != null && (end == null || end.isAfter(to))) {
      end = to;
    }
    if (end != null && end.isBefore(start)) {
      return null;
    }
    return start.equals(e.validFrom()) && java.util.Objects.equals(end, e.validTo())
        ? e
        : new CatalogueEntry(
            e.code(), e.name(), e.category(), e.selfPayRatio(), e.priceCapE6(), start, end);
  }

  /**
   * Reads the approved versions, with the entries of those {@code held} does not have, and builds
   * the book off the event loop.
   */
  static Future<CatalogueBook> load(io.vertx.core.Vertx vertx, Pool pool, CatalogueBook held) {
    return pool.preparedQuery(CatalogueStore.APPROVED)
        .execute()
        .compose(
            rows -> {
              List<Version> known = new ArrayList<>();
              List<Long> missing = new ArrayList<>();
              Map<Long, Row> meta = new HashMap<>();
              for (Row r : rows) {
                long id = r.getLong("id");
                Optional<List<CatalogueEntry>> have = held.entriesOf(id);
                if (have.isPresent()) {
                  known.add(version(r, have.get()));
                } else {
                  missing.add(id);
                  meta.put(id, r);
                }
              }
              if (missing.isEmpty()) {
                return vertx.executeBlocking(() -> new CatalogueBook(known), false);
              }
              return pool.preparedQuery(CatalogueStore.ENTRIES_OF)
                  .execute(Tuple.of((Object) missing.toArray(new Long[0])))
                  .compose(
                      entries -> {
                        Map<Long, List<CatalogueEntry>> byVersion = new HashMap<>();
                        for (Row e : entries) {
                          byVersion
                              .computeIfAbsent(e.getLong("version"), k -> new ArrayList<>())
                              .add(entry(e));
                        }
                        for (Long id : missing) {
                          known.add(version(meta.get(id), byVersion.getOrDefault(id, List.of())));
                        }
                        return vertx.executeBlocking(() -> new CatalogueBook(known), false);
                      });
            });
  }

  private static Version version(Row r, List<CatalogueEntry> entries) {
    return new Version(
        r.getLong("id"),
        r.getLocalDate("valid_from"),
        r.getLocalDate("valid_to"),
        List.copyOf(entries));
  }

  static CatalogueEntry entry(Row e) {
    return new CatalogueEntry(
        e.getString("code"),
        e.getString("name"),
        Category.valueOf(e.getString("category")),
        new Ratio(e.getInteger("self_pay_ratio")),
        e.getLong("price_cap_e6"),
        e.getLocalDate("valid_from"),
        e.getLocalDate("valid_to"));
  }
}
