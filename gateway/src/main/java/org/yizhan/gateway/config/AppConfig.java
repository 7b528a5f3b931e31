package org.yizhan.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * The gateway's settings: {@code config/application.yaml}, each entry overridable by an environment
 * variable ({@code YIZHAN_HTTP_PORT}, {@code YIZHAN_DB_URL}, …; see the file).
 *
 * @param configDir where policies, catalogue and hospitals are read from
 * @param http the HTTP server
 * @param db the database
 * @param zone the zone whose calendar days settlements are reconciled by
 * @param identityCacheSeconds the longest an identity read may be cached, seconds
 * @param registerCacheSeconds the longest a read of a person's enrolments (the insured register)
 *     may be cached, seconds
 * @param security request signatures and abuse limits
 * @param maxStayDays the longest hospital stay settled, days from admission to discharge date
 * @param treatmentWindowDays how long after its last settlement or admission of a person a hospital
 *     may still read the person's figures, days
 * @param management the operators' port (the Prometheus scrape)
 * @param demoData whether the embedded mode creates the README's demo person and account on its
 *     first start
 * @param nhsaHttpStatuses answer the national interface's authentication failures, limits and
 *     unavailability with HTTP 401, 429 and 503 as before, instead of HTTP 200 with an envelope
 *     (the hospital systems studied never read the body of a status of 400 or more)
 * @param settlementBatch group commit of settlements (docs/architecture.md)
 */
public record AppConfig(
    Path configDir,
    Http http,
    Db db,
    ZoneId zone,
    int identityCacheSeconds,
    int registerCacheSeconds,
    Security security,
    int maxStayDays,
    int treatmentWindowDays,
    Management management,
    boolean demoData,
    boolean nhsaHttpStatuses,
    SettlementBatch settlementBatch) {

  /**
   * Group commit: settlements waiting for the database are written many to a transaction.
   *
   * @param enabled whether they are (false: one transaction a settlement)
   * @param lingerMicros the longest a settlement waits for its batch to fill, microseconds
   * @param maxSize the most settlements a batch holds; a full batch goes at once
   * @param lanes how many lanes batches are formed in, each with at most one batch in flight: one
   *     shared by every claim that draws on no prepayment account, the rest by the accounts drawn
   *     on (all drawdowns of one account share a lane); 1 (the default) = one lane for all; 2 = one
   *     lane for the claims that may draw, whatever their account; 0 = the database pool's size
   * @param maxQueuedPerLane the most settlements waiting in one lane; more are answered 503
   * @param maxQueued the most settlements waiting in all lanes together; more are answered 503
   */
  public record SettlementBatch(
      boolean enabled,
      int lingerMicros,
      int maxSize,
      int lanes,
      int maxQueuedPerLane,
      int maxQueued) {
    /** The shipped defaults. */
    public static final SettlementBatch DEFAULTS =
        new SettlementBatch(true, 1000, 64, 1, 512, 4096);
  }

  /**
   * The operators' HTTP server, apart from the public port: {@code GET /metrics} only.
   *
   * @param host the address it listens on (127.0.0.1 by default: this machine only)
   * @param port its port (0 = any free port, logged)
   */
  public record Management(String host, int port) {}

  /** Whether a front door requires request signatures, accepts them, or ignores them. */
  public enum SignatureMode {
    REQUIRED,
    OPTIONAL,
    OFF
  }

  /**
   * @param apiSignatures signatures on the JSON API ({@code /api/v1})
   * @param nhsaSignatures signatures on the national interface
   * @param maxClockSkewSeconds how far a signed request's timestamp may be from the gateway's clock
   * @param hospitalRequestsPerSecond requests a second each hospital may make (429 beyond)
   * @param hospitalConcurrentRequests requests each hospital may have in flight (429 beyond)
   * @param managerRequestsPerSecond requests a second each manager may make (429 beyond)
   * @param keyLookupsPerSecondPerAddress API keys not in the cache that one remote address may have
   *     looked up in the database a second (429 beyond): made-up keys cost no database work
   * @param fairConcurrentRequests hospital requests in flight in all, shared round-robin between
   *     the hospitals that have requests waiting (so one hospital's surge cannot starve another); 0
   *     = twice the database pool
   * @param loginFailuresBeforeLockout failed logins of one account, or from one address, before
   *     further attempts are refused for a while
   * @param loginLockoutSeconds the first lockout, seconds; each further failure doubles it
   * @param loginLockoutMaxSeconds the longest lockout, seconds
   */
  public record Security(
      SignatureMode apiSignatures,
      SignatureMode nhsaSignatures,
      int maxClockSkewSeconds,
      int hospitalRequestsPerSecond,
      int hospitalConcurrentRequests,
      int managerRequestsPerSecond,
      int keyLookupsPerSecondPerAddress,
      int fairConcurrentRequests,
      int loginFailuresBeforeLockout,
      int loginLockoutSeconds,
      int loginLockoutMaxSeconds) {}

  /**
   * @param host the address to listen on
   * @param port the port (0 = any free port, logged)
   * @param instances HTTP verticle instances, 0 = one per event loop
   * @param bodyLimitBytes the largest request body accepted
   * @param shutdownGraceSeconds how long SIGTERM waits for in-flight requests
   * @param requestTimeoutSeconds the longest a request may take before it is answered 503
   * @param headerTimeoutSeconds the longest a client may take to send a request's head (line and
   *     headers), from its connection or its previous answer's end plus the idle timeout; the
   *     connection is closed beyond
   * @param bodyTimeoutSeconds the longest a client may take to send a request's body once its head
   *     is in; the connection is closed beyond
   * @param maxConnections open connections in all (further ones are closed at once)
   * @param maxConnectionsPerAddress open connections from one remote address
   * @param bodyBufferTotalBytes bytes of request bodies held in memory at once, all requests
   *     together (503 beyond)
   */
  public record Http(
      String host,
      int port,
      int instances,
      long bodyLimitBytes,
      int shutdownGraceSeconds,
      int requestTimeoutSeconds,
      int headerTimeoutSeconds,
      int bodyTimeoutSeconds,
      int maxConnections,
      int maxConnectionsPerAddress,
      long bodyBufferTotalBytes) {}

  /**
   * @param url JDBC URL of an external PostgreSQL, or empty to start the embedded one
   * @param user the database user
   * @param password the database password
   * @param poolSize connections in the reactive pool
   * @param maxWaitQueue requests that may wait for a connection before 503
   * @param embeddedDataDir where the embedded PostgreSQL keeps its data
   * @param embeddedPort the embedded PostgreSQL's port; 0 = derived from the data directory (the
   *     next free one if taken), so that two checkouts never share a server
   */
  public record Db(
      String url,
      String user,
      String password,
      int poolSize,
      int maxWaitQueue,
      Path embeddedDataDir,
      int embeddedPort) {
    public boolean embedded() {
      return url == null || url.isBlank();
    }

    @Override
    public String toString() {
      return "Db[url="
          + (embedded() ? "(embedded)" : url)
          + ", user="
          + user
          + ", poolSize="
          + poolSize
          + "]";
    }
  }

  public AppConfig {
    Objects.requireNonNull(configDir, "configDir");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(management, "management");
    Objects.requireNonNull(settlementBatch, "settlementBatch");
  }

  /**
   * Reads {@code <configDir>/application.yaml} (absent = all defaults) and applies the
   * environment's overrides. The config folder is {@code YIZHAN_CONFIG_DIR}, else {@code config}.
   */
  public static AppConfig load(Map<String, String> env) {
    Path dir = Path.of(env.getOrDefault("YIZHAN_CONFIG_DIR", "config"));
    Path file = dir.resolve("application.yaml");
    JsonNode json;
    try {
      json =
          Files.exists(file)
              ? new ObjectMapper(new YAMLFactory()).readTree(file.toFile())
              : new ObjectMapper().createObjectNode();
    } catch (IOException e) {
      throw new ConfigException("application.yaml: cannot read: " + e.getMessage(), e);
    }
    Settings s = new Settings(Node.root("application.yaml", json), env);
    Http http =
        new Http(
            s.text("http.host", "YIZHAN_HTTP_HOST", "0.0.0.0"),
            s.integer("http.port", "YIZHAN_HTTP_PORT", 8080, 0, 65535),
            s.integer("http.instances", "YIZHAN_HTTP_INSTANCES", 0, 0, 256),
            s.integer(
                "http.bodyLimitBytes",
                "YIZHAN_HTTP_BODY_LIMIT_BYTES",
                2_097_152,
                1024,
                64 * 1024 * 1024),
            s.integer(
                "http.shutdownGraceSeconds", "YIZHAN_HTTP_SHUTDOWN_GRACE_SECONDS", 20, 0, 600),
            s.integer(
                "http.requestTimeoutSeconds", "YIZHAN_HTTP_REQUEST_TIMEOUT_SECONDS", 10, 1, 600),
            s.integer(
                "http.headerTimeoutSeconds", "YIZHAN_HTTP_HEADER_TIMEOUT_SECONDS", 10, 1, 600),
            s.integer("http.bodyTimeoutSeconds", "YIZHAN_HTTP_BODY_TIMEOUT_SECONDS", 30, 1, 3600),
            s.integer("http.maxConnections", "YIZHAN_HTTP_MAX_CONNECTIONS", 10_000, 1, 1_000_000),
            s.integer(
                "http.maxConnectionsPerAddress",
                "YIZHAN_HTTP_MAX_CONNECTIONS_PER_ADDRESS",
                512,
                1,
                1_000_000),
            s.integer(
                "http.bodyBufferTotalBytes",
                "YIZHAN_HTTP_BODY_BUFFER_TOTAL_BYTES",
                64 * 1024 * 1024,
                1024,
                Integer.MAX_VALUE));
    Db db =
        new Db(
            s.text("db.url", "YIZHAN_DB_URL", ""),
            s.text("db.user", "YIZHAN_DB_USER", "postgres"),
            s.text("db.password", "YIZHAN_DB_PASSWORD", ""),
            s.integer("db.poolSize", "YIZHAN_DB_POOL_SIZE", 8, 1, 512),
            s.integer("db.maxWaitQueue", "YIZHAN_DB_MAX_WAIT_QUEUE", 2048, 0, 1_000_000),
            Path.of(s.text("db.embedded.dataDir", "YIZHAN_DB_EMBEDDED_DATA_DIR", "data/postgres")),
            s.integer("db.embedded.port", "YIZHAN_DB_EMBEDDED_PORT", 0, 0, 65535));
    ZoneId zone;
    String zoneText = s.text("zone", "YIZHAN_ZONE", "Asia/Shanghai");
    try {
      zone = ZoneId.of(zoneText);
    } catch (RuntimeException e) {
      throw new ConfigException("application.yaml: zone: unknown zone '" + zoneText + "'");
    }
    Security security =
        new Security(
            s.mode("security.signatures.api", "YIZHAN_SECURITY_SIGNATURES_API", "REQUIRED"),
            s.mode("security.signatures.nhsa", "YIZHAN_SECURITY_SIGNATURES_NHSA", "REQUIRED"),
            s.integer(
                "security.signatures.maxClockSkewSeconds",
                "YIZHAN_SECURITY_SIGNATURES_MAX_CLOCK_SKEW_SECONDS",
                300,
                10,
                3600),
            s.integer(
                "security.limits.hospitalRequestsPerSecond",
                "YIZHAN_SECURITY_LIMITS_HOSPITAL_REQUESTS_PER_SECOND",
                1000,
                1,
                1_000_000),
            s.integer(
                "security.limits.hospitalConcurrentRequests",
                "YIZHAN_SECURITY_LIMITS_HOSPITAL_CONCURRENT_REQUESTS",
                256,
                1,
                100_000),
            s.integer(
                "security.limits.managerRequestsPerSecond",
                "YIZHAN_SECURITY_LIMITS_MANAGER_REQUESTS_PER_SECOND",
                50,
                1,
                100_000),
            s.integer(
                "security.limits.keyLookupsPerSecondPerAddress",
                "YIZHAN_SECURITY_LIMITS_KEY_LOOKUPS_PER_SECOND_PER_ADDRESS",
                20,
                1,
                100_000),
            s.integer(
                "security.limits.fairConcurrentRequests",
                "YIZHAN_SECURITY_LIMITS_FAIR_CONCURRENT_REQUESTS",
                0,
                0,
                100_000),
            s.integer(
                "security.login.failuresBeforeLockout",
                "YIZHAN_SECURITY_LOGIN_FAILURES_BEFORE_LOCKOUT",
                5,
                1,
                1000),
            s.integer(
                "security.login.lockoutSeconds",
                "YIZHAN_SECURITY_LOGIN_LOCKOUT_SECONDS",
                60,
                1,
                86_400),
            s.integer(
                "security.login.lockoutMaxSeconds",
                "YIZHAN_SECURITY_LOGIN_LOCKOUT_MAX_SECONDS",
                3600,
                1,
                86_400));
    Management management =
        new Management(
            s.text("management.host", "YIZHAN_MANAGEMENT_HOST", "127.0.0.1"),
            s.integer("management.port", "YIZHAN_MANAGEMENT_PORT", 9464, 0, 65535));
    return new AppConfig(
        dir,
        http,
        db,
        zone,
        s.integer("identityCacheSeconds", "YIZHAN_IDENTITY_CACHE_SECONDS", 30, 0, 3600),
        s.integer("registerCacheSeconds", "YIZHAN_REGISTER_CACHE_SECONDS", 30, 0, 3600),
        security,
        s.integer("claims.maxStayDays", "YIZHAN_CLAIMS_MAX_STAY_DAYS", 366, 1, 36_600),
        s.integer(
            "privacy.treatmentWindowDays", "YIZHAN_PRIVACY_TREATMENT_WINDOW_DAYS", 365, 1, 3660),
        management,
        s.bool("db.embedded.demoData", "YIZHAN_DB_EMBEDDED_DEMO_DATA", true),
        s.bool("nhsa.httpStatuses", "YIZHAN_NHSA_HTTP_STATUSES", false),
        new SettlementBatch(
            s.bool("settlement.batch.enabled", "YIZHAN_SETTLEMENT_BATCH_ENABLED", true),
            s.integer(
                "settlement.batch.lingerMicros",
                "YIZHAN_SETTLEMENT_BATCH_LINGER_MICROS",
                1000,
                0,
                1_000_000),
            s.integer("settlement.batch.maxSize", "YIZHAN_SETTLEMENT_BATCH_MAX_SIZE", 64, 1, 1000),
            s.integer("settlement.batch.lanes", "YIZHAN_SETTLEMENT_BATCH_LANES", 1, 0, 1024),
            s.integer(
                "settlement.batch.maxQueuedPerLane",
                "YIZHAN_SETTLEMENT_BATCH_MAX_QUEUED_PER_LANE",
                512,
                1,
                1_000_000),
            s.integer(
                "settlement.batch.maxQueued",
                "YIZHAN_SETTLEMENT_BATCH_MAX_QUEUED",
                4096,
                1,
                1_000_000)));
  }

  /** Reads a dotted path from the file unless the environment overrides it. */
  private record Settings(Node root, Map<String, String> env) {
    String text(String path, String var, String fallback) {
      String fromEnv = env.get(var);
      if (fromEnv != null) {
        return fromEnv;
      }
      Node n = at(path);
      return n.isMissingOrNull() ? fallback : n.text();
    }

    int integer(String path, String var, int fallback, int min, int max) {
      String fromEnv = env.get(var);
      if (fromEnv != null) {
        try {
          int v = Integer.parseInt(fromEnv.trim());
          if (v < min || v > max) {
            throw new NumberFormatException();
          }
          return v;
        } catch (NumberFormatException e) {
          throw new ConfigException(
              var
                  + ": must be a whole number between "
                  + min
                  + " and "
                  + max
                  + ", got '"
                  + fromEnv
                  + "'");
        }
      }
      Node n = at(path);
      return n.isMissingOrNull() ? fallback : n.integer(min, max);
    }

    boolean bool(String path, String var, boolean fallback) {
      String v = text(path, var, Boolean.toString(fallback)).trim();
      if (!v.equals("true") && !v.equals("false")) {
        String where = env.containsKey(var) ? var : "application.yaml: " + path;
        throw new ConfigException(where + ": must be true or false, got '" + v + "'");
      }
      return Boolean.parseBoolean(v);
    }

    SignatureMode mode(String path, String var, String fallback) {
      String v = text(path, var, fallback).trim();
      try {
        return SignatureMode.valueOf(v);
      } catch (IllegalArgumentException e) {
        String where = env.containsKey(var) ? var : "application.yaml: " + path;
        throw new ConfigException(where + ": must be REQUIRED, OPTIONAL or OFF, got '" + v + "'");
      }
    }

    private Node at(String path) {
      Node n = root;
      for (String part : path.split("\\.")) {
        n = n.child(part);
      }
      return n;
    }
  }
}
