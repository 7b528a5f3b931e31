package org.yizhan.gateway.infra.db;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.UUID;

/**
 * Time-ordered random identifiers (UUID version 7, RFC 9562): the first 48 bits are the Unix time
 * in milliseconds, the rest random. They do not reveal how many settlements a hospital made, as a
 * counter would, and new rows land at the right end of the primary-key index.
 */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  public static UUID next(Instant now) {
    long millis = now.toEpochMilli();
    long randA = RANDOM.nextInt(1 << 12);
    long msb = (millis << 16) | (0x7L << 12) | randA;
    long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(msb, lsb);
  }
}
