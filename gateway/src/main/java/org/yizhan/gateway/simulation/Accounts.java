package org.yizhan.gateway.simulation;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;
import org.yizhan.core.ledger.Drawdown;
import org.yizhan.core.ledger.PrepaymentMode;
import org.yizhan.core.model.IdentityCategory;
import org.yizhan.gateway.simulation.Impact.AccountEffect;
import org.yizhan.gateway.simulation.Impact.AccountSide;
import org.yizhan.gateway.simulation.Impact.BalanceRefusal;

/**
 * The prepayment accounts of a simulation (rules §8): what each account (office × hospital) would
 * have paid out under each side, with its balance as it was, so that an account that refuses when
 * empty ({@link PrepaymentMode#REFUSE}) refuses under the candidate what its balance no longer
 * covers, and the claims so refused are shown.
 *
 * <p>Why a second pass: the replay goes person by person (each person's year figures in order), but
 * an account's balance runs in the order the settlements were made, across persons. So the replay
 * records each claim's assistance on both sides ({@link #record}: a few primitives a claim, only
 * claims with assistance, at most {@link #MAX_DRAWDOWNS}), and {@link #finish} plays each account's
 * claims in settlement order ({@code settled_at}) against its balance, each side with a balance of
 * its own, through the ledger's own plan ({@link Drawdown#plan}).
 *
 * <p>Which balance: the account's window is its replayed claims' settlement times, first to last
 * (the ledger's clock, not the discharge dates: a claim is paid when it is settled). It starts with
 * the PREPAY balance just before the first (the ledger's transfers before it: top-ups and reversal
 * credits in, drawdowns out) and takes in the top-ups made within the window, each at its time. So
 * the version in force, replayed, draws what the ledger drew.
 *
 * <p>The simplifications (docs/policies.md says them): within the window only the replayed claims
 * draw (another scheme's claims on the same account, or claims discharged outside the period, do
 * not), and a reversal credit within it is not added back. A claim refused here for want of balance
 * does not go back into its person's year figures (the replay has moved on); its assistance is
 * moved from the assistance fund to the person's out-of-pocket in the totals and categories, and
 * the persons better or worse off and the largest changes are the rules' (before balances). A claim
 * whose office has no account at its hospital is refused by the replay itself, exactly as a
 * settlement is ({@code NO_PREPAYMENT_ACCOUNT}), since that does not depend on the order.
 *
 * <p>Not thread-safe: fed by the replay's thread.
 */
public final class Accounts {
  /** Claims with assistance one simulation can play against balances (some 45 bytes each). */
  public static final int MAX_DRAWDOWNS = 2_000_000;

  /** Top-ups within the accounts' windows, all accounts together. */
  public static final int MAX_TOP_UPS = 200_000;

  /** Claims refused for want of balance listed (the largest first). */
  public static final int REFUSALS_LISTED = 50;

  /** Bits of a record's index in a sort key (2^23 > {@link #MAX_DRAWDOWNS}). */
  private static final int INDEX_BITS = 23;

  /** The region's accounts, by office then hospital. */
  static final String ACCOUNTS =
      "SELECT id, office_code, hospital_code, mode FROM prepayment_account"
          + " WHERE office_code BETWEEN ? AND ? ORDER BY office_code, hospital_code LIMIT ?";

  /**
   * Each account's PREPAY balance before $2 (its first replayed settlement): top-ups and reversal
   * credits in, drawdowns out, as the ledger's transfers say.
   */
  static final String OPENING =
      "SELECT w.id, coalesce(sum(CASE t.kind WHEN 'DRAWDOWN' THEN -t.amount"
          + " WHEN 'TOP_UP' THEN t.amount WHEN 'REVERSAL_CREDIT' THEN t.amount ELSE 0 END), 0)"
          + " FROM unnest(?::bigint[], ?::text[]::timestamptz[]) AS w(id, first_at)"
          + " LEFT JOIN ledger_transfer t ON t.account_id = w.id AND t.created_at < w.first_at"
          + " GROUP BY w.id";

  /** The top-ups of each account from its first replayed settlement to its last, in time order. */
  static final String TOP_UPS =
      "SELECT t.account_id, t.created_at, t.amount"
          + " FROM unnest(?::bigint[], ?::text[]::timestamptz[], ?::text[]::timestamptz[]) AS w(id, first_at,"
          + " last_at) JOIN ledger_transfer t ON t.account_id = w.id AND t.kind = 'TOP_UP'"
          + " AND t.created_at >= w.first_at AND t.created_at <= w.last_at"
          + " ORDER BY t.account_id, t.created_at, t.id LIMIT ?";

  private final long[] id;
  private final String[] office;
  private final String[] hospital;
  private final PrepaymentMode[] mode;
  private final long[] openingFen;
  private final Map<String, Integer> byKey = new HashMap<>();
  private final Map<Long, Integer> byId = new HashMap<>();

  /** Per account: its first and last replayed settlement, microseconds since 2000. */
  private final long[] firstMicros;

  private final long[] lastMicros;

  /** Per account: its top-ups in time order (microseconds since 2000, fen). */
  private final long[][] topUpMicros;

  private final long[][] topUpFen;

  /** Whether the balances are known: given ({@link #of}) or read ({@link #balances}). */
  private boolean balancesKnown;

  // the records, parallel arrays grown as needed
  private int n;
  private boolean truncated;
  private long[] micros = new long[1024];
  private int[] account = new int[1024];
  private byte[] slot = new byte[1024];
  private long[] inForceFen = new long[1024];
  private long[] candidateFen = new long[1024];
  private long[] idHigh = new long[1024];
  private long[] idLow = new long[1024];

  private Accounts(List<Impact.AccountStart> starts, long[] ids) {
    int size = starts.size();
    id = ids;
    office = new String[size];
    hospital = new String[size];
    mode = new PrepaymentMode[size];
    openingFen = new long[size];
    firstMicros = new long[size];
    lastMicros = new long[size];
    Arrays.fill(firstMicros, Long.MAX_VALUE);
    Arrays.fill(lastMicros, Long.MIN_VALUE);
    topUpMicros = new long[size][0];
    topUpFen = new long[size][0];
    for (int i = 0; i < size; i++) {
      Impact.AccountStart a = starts.get(i);
      office[i] = a.officeCode();
      hospital[i] = a.hospitalCode();
      mode[i] = a.mode();
      openingFen[i] = a.openingFen();
      byKey.put(key(office[i], hospital[i]), i);
      byId.put(ids[i], i);
    }
  }

  /** The accounts given directly with their balances (tests and the benchmark): no top-ups. */
  public static Accounts of(List<Impact.AccountStart> starts) {
    long[] ids = new long[starts.size()];
    Arrays.setAll(ids, i -> i);
    Accounts accounts = new Accounts(starts, ids);
    accounts.balancesKnown = true;
    return accounts;
  }

  /**
   * Reads the accounts of {@code sel}'s offices in the snapshot open on {@code c}; their balances
   * come after the replay ({@link #balances}).
   */
  public static Accounts load(Connection c, ClaimSource.Selection sel) throws SQLException {
    List<Impact.AccountStart> starts = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement(ACCOUNTS)) {
      ps.setString(1, sel.officeLow());
      ps.setString(2, sel.officeHigh());
      ps.setInt(3, Impact.MAX_ACCOUNTS + 1);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          ids.add(r.getLong(1));
          starts.add(
              new Impact.AccountStart(
                  r.getString(2), r.getString(3), PrepaymentMode.valueOf(r.getString(4)), 0));
        }
      }
    }
    if (starts.size() > Impact.MAX_ACCOUNTS) {
      throw new IllegalStateException("more than " + Impact.MAX_ACCOUNTS + " prepayment accounts");
    }
    return new Accounts(starts, ids.stream().mapToLong(Long::longValue).toArray());
  }

  /**
   * Reads, in the snapshot open on {@code c}, each account's balance just before its first replayed
   * settlement and its top-ups up to its last: the window its claims are played in.
   */
  public void balances(Connection c) throws SQLException {
    List<Long> ids = new ArrayList<>();
    // instants as ISO text with their offset (Z): an array of java.sql.Timestamp would be written
    // in the JVM's zone without one and read in the session's
    List<String> first = new ArrayList<>();
    List<String> last = new ArrayList<>();
    for (int a = 0; a < office.length; a++) {
      if (firstMicros[a] != Long.MAX_VALUE) {
        ids.add(id[a]);
        first.add(instant(firstMicros[a]).toString());
        last.add(instant(lastMicros[a]).toString());
      }
    }
    balancesKnown = true;
    if (ids.isEmpty()) {
      return;
    }
    java.sql.Array idArray = c.createArrayOf("bigint", ids.toArray());
    java.sql.Array firstArray = c.createArrayOf("text", first.toArray());
    try (PreparedStatement ps = c.prepareStatement(OPENING)) {
      ps.setArray(1, idArray);
      ps.setArray(2, firstArray);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          openingFen[byId.get(r.getLong(1))] = fen(r.getBigDecimal(2));
        }
      }
    }
    Map<Integer, List<long[]>> topUps = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(TOP_UPS)) {
      ps.setArray(1, idArray);
      ps.setArray(2, firstArray);
      ps.setArray(3, c.createArrayOf("text", last.toArray()));
      ps.setInt(4, MAX_TOP_UPS + 1);
      int count = 0;
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          if (++count > MAX_TOP_UPS) {
            throw new IllegalStateException("more than " + MAX_TOP_UPS + " top-ups in a period");
          }
          topUps
              .computeIfAbsent(byId.get(r.getLong(1)), k -> new ArrayList<>())
              .add(
                  new long[] {
                    micros(r.getObject(2, OffsetDateTime.class).toInstant()),
                    fen(r.getBigDecimal(3))
                  });
        }
      }
    }
    for (Map.Entry<Integer, List<long[]>> e : topUps.entrySet()) {
      List<long[]> t = e.getValue();
      topUpMicros[e.getKey()] = t.stream().mapToLong(x -> x[0]).toArray();
      topUpFen[e.getKey()] = t.stream().mapToLong(x -> x[1]).toArray();
    }
  }

  private static long fen(BigDecimal yuan) {
    return yuan.movePointRight(2).longValueExact();
  }

  /** Microseconds since 2000-01-01 UTC (the COPY's timestamps) from an instant. */
  static long micros(Instant t) {
    long epochMicros =
        Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
    return epochMicros - BinaryCopy.PG_EPOCH_DAY * 86_400_000_000L;
  }

  static Instant instant(long micros) {
    long epochMicros = micros + BinaryCopy.PG_EPOCH_DAY * 86_400_000_000L;
    return Instant.ofEpochSecond(
        Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1_000);
  }

  private static String key(String office, String hospital) {
    return office + '\u0000' + hospital;
  }

  /** The account of {@code office} at {@code hospital}, or -1 when it has none. */
  int indexOf(String office, String hospital) {
    Integer i = byKey.get(key(office, hospital));
    return i == null ? -1 : i;
  }

  /**
   * Records a claim's assistance on both sides (by the rules, before balances) for account {@code
   * a}; {@code categorySlot} the claim's category's ordinal (the none last).
   */
  void record(
      int a, long settledAtMicros, int categorySlot, String settlementId, long was, long would) {
    if (n == MAX_DRAWDOWNS) {
      truncated = true;
      return;
    }
    if (n == micros.length) {
      int size = Math.min(MAX_DRAWDOWNS, n * 2);
      micros = Arrays.copyOf(micros, size);
      account = Arrays.copyOf(account, size);
      slot = Arrays.copyOf(slot, size);
      inForceFen = Arrays.copyOf(inForceFen, size);
      candidateFen = Arrays.copyOf(candidateFen, size);
      idHigh = Arrays.copyOf(idHigh, size);
      idLow = Arrays.copyOf(idLow, size);
    }
    UUID settlement = UUID.fromString(settlementId);
    firstMicros[a] = Math.min(firstMicros[a], settledAtMicros);
    lastMicros[a] = Math.max(lastMicros[a], settledAtMicros);
    micros[n] = settledAtMicros;
    account[n] = a;
    slot[n] = (byte) categorySlot;
    inForceFen[n] = was;
    candidateFen[n] = would;
    idHigh[n] = settlement.getMostSignificantBits();
    idLow[n] = settlement.getLeastSignificantBits();
    n++;
  }

  /** What the balances did: per account, the refusals, and the assistance refused per category. */
  record Played(
      List<AccountEffect> effects,
      List<BalanceRefusal> refusals,
      long[][] refusedBySlot,
      boolean truncated) {}

  /** Plays every account's claims in settlement order against its balance, each side apart. */
  Played finish() {
    if (!balancesKnown) {
      throw new IllegalStateException("the accounts' balances were not read (balances)");
    }
    int accounts = office.length;
    int[] start = new int[accounts + 1];
    for (int i = 0; i < n; i++) {
      start[account[i] + 1]++;
    }
    for (int a = 0; a < accounts; a++) {
      start[a + 1] += start[a];
    }
    int[] order = new int[n];
    int[] fill = Arrays.copyOf(start, accounts);
    for (int i = 0; i < n; i++) {
      order[fill[account[i]]++] = i;
    }
    long base = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      base = Math.min(base, micros[i]);
    }
    long[][] refusedBySlot = new long[IdentityCategory.values().length + 1][2];
    PriorityQueue<BalanceRefusal> refusals =
        new PriorityQueue<>(Comparator.comparingLong(BalanceRefusal::refusedFen));
    List<AccountEffect> effects = new ArrayList<>();
    for (int a = 0; a < accounts; a++) {
      int from = start[a];
      int to = start[a + 1];
      // a record's key: milliseconds after the first claim, then its index (ties in replay order)
      long[] keys = new long[to - from];
      for (int k = from; k < to; k++) {
        int i = order[k];
        keys[k - from] = ((micros[i] - base) / 1_000 << INDEX_BITS) | (k - from);
      }
      Arrays.sort(keys);
      Balance was = new Balance(mode[a], openingFen[a]);
      Balance would = new Balance(mode[a], openingFen[a]);
      int topUp = 0;
      for (long key : keys) {
        int i = order[from + (int) (key & ((1 << INDEX_BITS) - 1))];
        while (topUp < topUpMicros[a].length && topUpMicros[a][topUp] <= micros[i]) {
          was.balanceFen += topUpFen[a][topUp];
          would.balanceFen += topUpFen[a][topUp];
          topUp++;
        }
        boolean wasRefused = was.pay(inForceFen[i]);
        boolean wouldBeRefused = would.pay(candidateFen[i]);
        if (wasRefused || wouldBeRefused) {
          refusedBySlot[slot[i]][0] += wasRefused ? inForceFen[i] : 0;
          refusedBySlot[slot[i]][1] += wouldBeRefused ? candidateFen[i] : 0;
          refusals.add(
              new BalanceRefusal(
                  new UUID(idHigh[i], idLow[i]).toString(),
                  office[a],
                  hospital[a],
                  wasRefused ? inForceFen[i] : 0,
                  wouldBeRefused ? candidateFen[i] : 0));
          if (refusals.size() > REFUSALS_LISTED) {
            refusals.poll();
          }
        }
      }
      long topUps = Arrays.stream(topUpFen[a]).sum();
      if (to > from || topUps > 0) {
        effects.add(
            new AccountEffect(
                office[a], hospital[a], mode[a], openingFen[a], topUps, was.side(), would.side()));
      }
    }
    List<BalanceRefusal> listed = new ArrayList<>(refusals);
    listed.sort(Comparator.comparingLong(BalanceRefusal::refusedFen).reversed());
    return new Played(List.copyOf(effects), List.copyOf(listed), refusedBySlot, truncated);
  }

  /** One side's balance of one account as its claims are paid. */
  private static final class Balance {
    final PrepaymentMode mode;
    long balanceFen;
    long assistanceFen;
    long drawnFen;
    long advanceFen;
    long refusedClaims;
    long refusedFen;

    Balance(PrepaymentMode mode, long openingFen) {
      this.mode = mode;
      // a balance the ledger shows negative would be a broken ledger; never plan from one
      this.balanceFen = Math.max(0, openingFen);
    }

    /** Pays {@code fen} of assistance as the ledger plans it; whether it was refused. */
    boolean pay(long fen) {
      assistanceFen += fen;
      Drawdown plan = Drawdown.plan(mode, balanceFen, fen);
      balanceFen -= plan.drawnFen();
      drawnFen += plan.drawnFen();
      advanceFen += plan.advanceFen();
      if (plan.refused()) {
        refusedClaims++;
        refusedFen += fen;
      }
      return plan.refused();
    }

    AccountSide side() {
      return new AccountSide(assistanceFen, drawnFen, advanceFen, refusedClaims, refusedFen);
    }
  }
}
