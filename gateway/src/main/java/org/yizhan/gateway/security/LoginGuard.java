package org.yizhan.gateway.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Brakes password guessing on the managers' login: failed attempts are counted per account and per
 * remote address, and once either has {@code failuresBeforeLockout} failures (an address {@link
 * #ADDRESS_FACTOR} times as many, since one office's managers share an address), further attempts
 * are refused for {@code lockoutSeconds}, doubling with each further failure up to {@code
 * lockoutMaxSeconds}. A refused attempt costs no password hash and does not count; a successful
 * login clears its account's count (not its address's, or an attacker with one account of his own
 * could clear his address between guesses).
 *
 * <p>Counts live in this process (bounded Caffeine caches, forgotten a day after the last failure),
 * so with several gateway instances behind a balancer an attacker gets each instance's allowance;
 * the lockout is still a brake of several orders of magnitude on the hash cost alone. Time comes
 * from the injected {@link Clock}, so tests need not sleep.
 */
public final class LoginGuard {
  /** An address may fail this many times more than an account before it is locked out. */
  static final int ADDRESS_FACTOR = 4;

  /** Accounts and addresses remembered at most, each. */
  static final int ENTRIES_MAX = 100_000;

  /**
   * A lockout now in force: whose ("account" or "address"), until when, and the failures so far.
   */
  public record Lockout(String kind, String who, Instant until, int failures) {
    public long secondsLeft(Clock clock) {
      return Math.max(1, Duration.between(clock.instant(), until).toSeconds() + 1);
    }
  }

  private static final class Record {
    int failures;
    Instant lockedUntil = Instant.MIN;
  }

  private final Clock clock;
  private final int failuresBeforeLockout;
  private final long lockoutSeconds;
  private final long lockoutMaxSeconds;
  private final Cache<String, Record> accounts;
  private final Cache<String, Record> addresses;

  public LoginGuard(
      Clock clock, int failuresBeforeLockout, int lockoutSeconds, int lockoutMaxSeconds) {
    if (failuresBeforeLockout < 1 || lockoutSeconds < 1 || lockoutMaxSeconds < lockoutSeconds) {
      throw new IllegalArgumentException(
          "need failuresBeforeLockout >= 1 and 1 <= lockoutSeconds <= lockoutMaxSeconds, got "
              + failuresBeforeLockout
              + ", "
              + lockoutSeconds
              + ", "
              + lockoutMaxSeconds);
    }
    this.clock = clock;
    this.failuresBeforeLockout = failuresBeforeLockout;
    this.lockoutSeconds = lockoutSeconds;
    this.lockoutMaxSeconds = lockoutMaxSeconds;
    this.accounts = cache();
    this.addresses = cache();
  }

  private static Cache<String, Record> cache() {
    return Caffeine.newBuilder()
        .maximumSize(ENTRIES_MAX)
        .expireAfterAccess(Duration.ofDays(1))
        .build();
  }

  /** The lockout that refuses an attempt on {@code username} from {@code address}, if any. */
  public synchronized Optional<Lockout> locked(String username, String address) {
    Instant now = clock.instant();
    Record a = accounts.getIfPresent(username);
    if (a != null && now.isBefore(a.lockedUntil)) {
      return Optional.of(new Lockout("account", username, a.lockedUntil, a.failures));
    }
    Record r = addresses.getIfPresent(key(address));
    if (r != null && now.isBefore(r.lockedUntil)) {
      return Optional.of(new Lockout("address", key(address), r.lockedUntil, r.failures));
    }
    return Optional.empty();
  }

  /**
   * Counts a failed attempt; returns the lockouts it begins (to be audited): the account's, the
   * address's, or none.
   */
  public synchronized List<Lockout> failed(String username, String address) {
    List<Lockout> begun = new ArrayList<>(2);
    count(accounts.get(username, k -> new Record()), "account", username, 1).ifPresent(begun::add);
    count(addresses.get(key(address), k -> new Record()), "address", key(address), ADDRESS_FACTOR)
        .ifPresent(begun::add);
    return begun;
  }

  /** A successful login: its account starts afresh. */
  public synchronized void succeeded(String username) {
    accounts.invalidate(username);
  }

  private Optional<Lockout> count(Record r, String kind, String who, int factor) {
    r.failures++;
    int over = r.failures - failuresBeforeLockout * factor;
    if (over < 0) {
      return Optional.empty();
    }
    // lockoutSeconds × 2^over, capped; the shift is bounded so that it cannot overflow
    long seconds = Math.min(lockoutMaxSeconds, lockoutSeconds << Math.min(over, 30));
    r.lockedUntil = clock.instant().plusSeconds(seconds);
    return Optional.of(new Lockout(kind, who, r.lockedUntil, r.failures));
  }

  private static String key(String address) {
    return address == null ? "" : address;
  }
}
