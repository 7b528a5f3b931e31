package org.yizhan.core.catalogue;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The insurance catalogue: item code → the entry in force on a date. A code with no entry on that
 * date is priced as category C (the patient pays in full), which {@link #lookup} signals by
 * returning {@code null}.
 *
 * <p>Built once and read on every line of every claim, so lookup is one hash probe and, for the
 * rare code with several periods, a short scan of its periods (sorted, non-overlapping).
 */
public final class Catalogue {
  private final Map<String, CatalogueEntry[]> periodsByCode;
  private final int size;

  private Catalogue(Map<String, CatalogueEntry[]> periodsByCode, int size) {
    this.periodsByCode = periodsByCode;
    this.size = size;
  }

  /**
   * Builds a catalogue; throws {@link IllegalArgumentException} naming the code when two periods of
   * one code overlap.
   */
  public static Catalogue of(List<CatalogueEntry> entries) {
    Map<String, List<CatalogueEntry>> grouped = new HashMap<>();
    for (CatalogueEntry e : entries) {
      grouped.computeIfAbsent(e.code(), k -> new ArrayList<>(1)).add(e);
    }
    Map<String, CatalogueEntry[]> byCode = new HashMap<>(grouped.size() * 2);
    for (Map.Entry<String, List<CatalogueEntry>> g : grouped.entrySet()) {
      List<CatalogueEntry> periods = g.getValue();
      periods.sort(Comparator.comparing(CatalogueEntry::validFrom));
      for (int i = 1; i < periods.size(); i++) {
        CatalogueEntry previous = periods.get(i - 1);
        if (previous.validTo() == null
            || !previous.validTo().isBefore(periods.get(i).validFrom())) {
          throw new IllegalArgumentException(
              "code "
                  + g.getKey()
                  + ": periods from "
                  + previous.validFrom()
                  + " and "
                  + periods.get(i).validFrom()
                  + " overlap");
        }
      }
      byCode.put(g.getKey(), periods.toArray(new CatalogueEntry[0]));
    }
    return new Catalogue(Map.copyOf(byCode), entries.size());
  }

  public static Catalogue empty() {
    return new Catalogue(Map.of(), 0);
  }

  /** The entry for {@code code} in force on {@code date}, or {@code null} (price as C). */
  public CatalogueEntry lookup(String code, LocalDate date) {
    CatalogueEntry[] periods = periodsByCode.get(code);
    if (periods == null) {
      return null;
    }
    for (CatalogueEntry e : periods) {
      if (e.validOn(date)) {
        return e;
      }
    }
    return null;
  }

  /** Number of entries (periods), for logs. */
  public int size() {
    return size;
  }

  /** Every entry, for exports and for the load generator's choice of items. */
  public List<CatalogueEntry> entries() {
    List<CatalogueEntry> all = new ArrayList<>(size);
    for (CatalogueEntry[] periods : periodsByCode.values()) {
      all.addAll(List.of(periods));
    }
    all.sort(Comparator.comparing(CatalogueEntry::code).thenComparing(CatalogueEntry::validFrom));
    return all;
  }
}
