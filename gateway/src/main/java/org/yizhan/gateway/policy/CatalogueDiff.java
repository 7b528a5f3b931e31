package org.yizhan.gateway.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yizhan.core.catalogue.CatalogueEntry;
import org.yizhan.gateway.policy.CatalogueService.Change;
import org.yizhan.gateway.policy.CatalogueService.Diff;

/**
 * Two catalogue versions compared code by code: a code only in the new one is added, only in the
 * old one removed, and in both with other periods or values changed (its periods before and after,
 * whole, since a code may have several). What a checker reads before approving.
 */
final class CatalogueDiff {
  private CatalogueDiff() {}

  static Diff of(long id, Long against, List<CatalogueEntry> before, List<CatalogueEntry> after) {
    Map<String, List<CatalogueEntry>> old = byCode(before);
    Map<String, List<CatalogueEntry>> now = byCode(after);
    List<CatalogueEntry> added = new ArrayList<>();
    List<CatalogueEntry> removed = new ArrayList<>();
    List<Change> changed = new ArrayList<>();
    for (Map.Entry<String, List<CatalogueEntry>> e : now.entrySet()) {
      List<CatalogueEntry> was = old.get(e.getKey());
      if (was == null) {
        added.addAll(e.getValue());
      } else if (!was.equals(e.getValue())) {
        changed.add(new Change(e.getKey(), was, e.getValue()));
      }
    }
    for (Map.Entry<String, List<CatalogueEntry>> e : old.entrySet()) {
      if (!now.containsKey(e.getKey())) {
        removed.addAll(e.getValue());
      }
    }
    return new Diff(id, against, added, removed, changed);
  }

  /** The entries by code (sorted), each code's periods by start. */
  private static Map<String, List<CatalogueEntry>> byCode(List<CatalogueEntry> entries) {
    Map<String, List<CatalogueEntry>> out = new TreeMap<>();
    for (CatalogueEntry e : entries) {
      out.computeIfAbsent(e.code(), k -> new ArrayList<>(1)).add(e);
    }
    out.values().forEach(l -> l.sort(Comparator.comparing(CatalogueEntry::validFrom)));
    return out;
  }
}
