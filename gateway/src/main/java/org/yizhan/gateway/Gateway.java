package org.yizhan.gateway;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yizhan.core.catalogue.Catalogue;
import org.yizhan.core.engine.SettlementEngine;
import org.yizhan.core.policy.Policy;
import org.yizhan.core.policy.PolicyBook;
import org.yizhan.gateway.config.AppConfig;
import org.yizhan.gateway.config.CatalogueFiles;
import org.yizhan.gateway.config.Hospitals;
import org.yizhan.gateway.config.Managers;
import org.yizhan.gateway.config.PolicyFiles;
import org.yizhan.gateway.coverage.CoverageRuns;
import org.yizhan.gateway.hospital.HospitalApi;
import org.yizhan.gateway.identity.IdentityDirectory;
import org.yizhan.gateway.identity.IdentityService;
import org.yizhan.gateway.identity.RosterImports;
import org.yizhan.gateway.infra.Ticks;
import org.yizhan.gateway.infra.db.ChangeListener;
import org.yizhan.gateway.infra.db.Database;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.insured.EnrolmentCache;
import org.yizhan.gateway.insured.ImportJobs;
import org.yizhan.gateway.insured.Regions;
import org.yizhan.gateway.insured.RegisterService;
import org.yizhan.gateway.ledger.LedgerService;
import org.yizhan.gateway.manager.AgencyApi;
import org.yizhan.gateway.manager.CatalogueApi;
import org.yizhan.gateway.manager.CoverageApi;
import org.yizhan.gateway.manager.ManagerApi;
import org.yizhan.gateway.manager.ManagerPage;
import org.yizhan.gateway.manager.OversightApi;
import org.yizhan.gateway.manager.PolicyApi;
import org.yizhan.gateway.manager.SimulationApi;
import org.yizhan.gateway.metrics.Metrics;
import org.yizhan.gateway.metrics.PrepaymentGauges;
import org.yizhan.gateway.nhsa.NhsaApi;
import org.yizhan.gateway.policy.CatalogueService;
import org.yizhan.gateway.policy.PolicyBooks;
import org.yizhan.gateway.policy.PolicyService;
import org.yizhan.gateway.security.AddressLimiter;
import org.yizhan.gateway.security.HospitalAuth;
import org.yizhan.gateway.security.HospitalKeys;
import org.yizhan.gateway.security.LoginGuard;
import org.yizhan.gateway.security.ManagerAuth;
import org.yizhan.gateway.security.NationalSignature;
import org.yizhan.gateway.security.RegistrySync;
import org.yizhan.gateway.security.RequestVerifier;
import org.yizhan.gateway.settlement.SettlementQueries;
import org.yizhan.gateway.settlement.SettlementService;
import org.yizhan.gateway.settlement.SettlementStore;
import org.yizhan.gateway.simulation.Simulations;
import org.yizhan.gateway.web.FairShare;
import org.yizhan.gateway.web.HospitalGate;
import org.yizhan.gateway.web.HttpContext;
import org.yizhan.gateway.web.HttpVerticle;
import org.yizhan.gateway.web.Limits;
import org.yizhan.gateway.web.ManagementServer;
import org.yizhan.gateway.web.OpsApi;
import org.yizhan.gateway.web.Routes;
import org.yizhan.gateway.web.Transport;

/**
 * The running gateway: configuration loaded, the reactive pool open, the hospital registry
 * synchronised into the store, and one HTTP verticle per event loop serving. {@link Main} starts it
 * for production; tests start it in-process against the embedded PostgreSQL.
 */
public final class Gateway implements HttpContext {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  private final Vertx vertx;
  private final AppConfig config;
  private final Metrics metrics;
  private final Pool pool;
  private final DbGuard guard;
  private final PolicyBooks policyBooks;
  private final PolicyService policyService;
  private final CatalogueService catalogueService;
  private final HospitalAuth hospitalAuth;
  private final HospitalGate hospitalGate;
  private final RequestVerifier requestVerifier;
  private final Limits limits;
  private final Transport transport;
  private final FairShare fairShare;
  private final IdentityDirectory identities;
  private final EnrolmentCache enrolments;
  private final SettlementService settlements;
  private final ManagerAuth managerAuth;
  private final IdentityService identityService;
  private RegisterService register;
  private ImportJobs registerImports;
  private RosterImports rosterImports;
  private CoverageRuns coverageRuns;
  private final LedgerService ledger;
  private final PrepaymentGauges gauges;
  private final Map<String, String> hospitalByPaasid;
  private final Map<String, Hospitals.National> nationalByHospital;
  private final Clock clock;
  private final List<HttpVerticle> servers = new CopyOnWriteArrayList<>();
  private ChangeListener changes;
  private Simulations simulations;
  private ManagementServer management;
  private String housekeeping;

  private Gateway(
      Vertx vertx,
      AppConfig config,
      Metrics metrics,
      Pool pool,
      List<Hospitals.Hospital> hospitals,
      Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.metrics = metrics;
    this.pool = pool;
    this.policyBooks = new PolicyBooks(vertx, pool, Hospitals.unknownItemsByHospital(hospitals));
    this.policyService = new PolicyService(vertx, pool, policyBooks, clock, config.zone());
    this.catalogueService =
        new CatalogueService(
            vertx, pool, policyBooks, CatalogueFiles.SHIPPED_SCOPE, clock, config.zone());
    this.clock = clock;
    this.guard = new DbGuard("database", clock).bindTo(metrics.meterRegistry());
    this.hospitalAuth =
        new HospitalAuth(
            vertx,
            pool,
            new AddressLimiter(
                config.security().keyLookupsPerSecondPerAddress(), Ticks.nanos(clock)),
            clock);
    this.requestVerifier =
        new RequestVerifier(pool, clock, config.security().maxClockSkewSeconds())
            .bindTo(metrics.meterRegistry());
    this.transport =
        new Transport(
            config.http().maxConnections(),
            config.http().maxConnectionsPerAddress(),
            config.http().bodyBufferTotalBytes());
    this.limits =
        new Limits(
            config.security().hospitalRequestsPerSecond(),
            config.security().hospitalConcurrentRequests(),
            config.security().managerRequestsPerSecond(),
            metrics.meterRegistry(),
            clock);
    Map<String, String> hospitalByPaasid = new HashMap<>();
    for (Hospitals.Hospital h : hospitals) {
      hospitalByPaasid.put(h.paasid(), h.code());
    }
    this.hospitalByPaasid = Map.copyOf(hospitalByPaasid);
    this.nationalByHospital = Hospitals.nationalByHospital(hospitals);
    int fair = config.security().fairConcurrentRequests();
    this.fairShare = new FairShare(fair > 0 ? fair : 2 * config.db().poolSize());
    this.hospitalGate =
        new HospitalGate(
            hospitalAuth,
            limits,
            requestVerifier,
            new NationalSignature(
                hospitalByPaasid, requestVerifier, clock, config.security().maxClockSkewSeconds()),
            fairShare);
    this.identities =
        new IdentityDirectory(vertx, pool, config.identityCacheSeconds())
            .bindTo(metrics.meterRegistry());
    this.enrolments =
        new EnrolmentCache(vertx, pool, config.registerCacheSeconds())
            .bindTo(metrics.meterRegistry());
    this.settlements =
        new SettlementService(
            policyBooks,
            new SettlementStore(
                    vertx,
                    pool,
                    clock,
                    config.zone(),
                    new SettlementStore.Batching(
                        config.settlementBatch().enabled(),
                        config.settlementBatch().lingerMicros(),
                        config.settlementBatch().maxSize(),
                        Math.max(1, config.db().poolSize() / 2),
                        config.settlementBatch().lanes() > 0
                            ? config.settlementBatch().lanes()
                            : config.db().poolSize(),
                        config.settlementBatch().maxQueuedPerLane(),
                        config.settlementBatch().maxQueued()))
                .bindTo(metrics.meterRegistry()),
            new SettlementQueries(pool),
            identities,
            enrolments,
            guard,
            metrics,
            clock,
            config.zone(),
            Duration.ofDays(config.treatmentWindowDays()));
    this.managerAuth =
        new ManagerAuth(
            vertx,
            pool,
            clock,
            new LoginGuard(
                clock,
                config.security().loginFailuresBeforeLockout(),
                config.security().loginLockoutSeconds(),
                config.security().loginLockoutMaxSeconds()));
    this.identityService = new IdentityService(pool, identities, clock);
    this.ledger = new LedgerService(pool, clock, config.zone());
    this.gauges = new PrepaymentGauges(metrics.meterRegistry());
  }

  /**
   * Loads {@code config/}, opens the pool to {@code db}, synchronises the hospital registry and
   * starts serving. The policy, catalogue and hospital files are read on the caller's thread
   * (start-up only); everything after runs on the event loops.
   */
  public static Future<Gateway> start(
      Vertx vertx, AppConfig config, Database db, Metrics metrics, Clock clock) {
    Path policyDir = config.configDir().resolve("policies");
    PolicyBook policies = PolicyFiles.load(policyDir);
    List<PolicyService.Seed> seeds =
        PolicyFiles.documents(policyDir).stream()
            .map(d -> new PolicyService.Seed(d.fileName(), d.text()))
            .toList();
    Path catalogueDir = config.configDir().resolve("catalogue");
    // checked whole at start; the first start seeds it as the first catalogue version
    Catalogue catalogue = CatalogueFiles.load(catalogueDir);
    List<CatalogueFiles.Document> catalogueFiles = CatalogueFiles.documents(catalogueDir);
    List<Hospitals.Hospital> hospitals =
        Hospitals.load(config.configDir().resolve("hospitals.yaml"));
    List<Managers.Manager> managers = Managers.load(config.configDir().resolve("managers.yaml"));
    for (Policy p : policies.all()) {
      LOG.info("policy file {}: {} to {}", p.id(), p.validFrom(), p.validTo());
    }
    LOG.info("catalogue files: {} entries; {} hospitals", catalogue.size(), hospitals.size());
    Pool pool =
        PgBuilder.pool()
            .with(
                new PoolOptions()
                    .setName("yizhan")
                    .setMaxSize(config.db().poolSize())
                    .setMaxWaitQueueSize(config.db().maxWaitQueue())
                    .setConnectionTimeout(5)
                    .setConnectionTimeoutUnit(TimeUnit.SECONDS)
                    .setShared(false))
            .connectingTo(db.connectOptions())
            .using(vertx)
            .build();
    Gateway g = new Gateway(vertx, config, metrics, pool, hospitals, clock);
    g.simulations =
        new Simulations(
            vertx,
            g::engine,
            new Simulations.Target(db.jdbcUrl(), db.user(), db.password()),
            pool,
            clock);
    RegistrySync registries = new RegistrySync(pool, clock);
    return registries
        .hospitals(hospitals)
        .compose(v -> registries.managers(managers))
        // the shipped catalogue and policies become versions on first start; the tables are the
        // truth after (the policy seed loads the book of both)
        .compose(
            v ->
                g.catalogueService.seed(
                    String.join(
                        ",",
                        catalogueFiles.stream().map(CatalogueFiles.Document::fileName).toList()),
                    CatalogueFiles.joined(catalogueFiles)))
        .compose(v -> g.policyService.seed(seeds))
        .map(
            book -> {
              g.insuredRegister(db, hospitals);
              return null;
            })
        // before listening, so that the README's first request finds it
        .compose(
            v ->
                db.isEmbedded() && config.demoData()
                    ? DemoData.ensure(g.identityService, g.ledger, g.register).<Void>mapEmpty()
                    : Future.<Void>succeededFuture())
        .compose(
            v ->
                ChangeListener.listen(
                    vertx,
                    db.connectOptions(),
                    List.of(
                        g.identities.listening(),
                        g.enrolments.listening(),
                        ChangeListener.Channel.any(
                            HospitalKeys.CHANNEL, g.hospitalAuth::invalidateAll),
                        ChangeListener.Channel.any(
                            PolicyBooks.CHANNEL, g.policyBooks::reloadQuietly))))
        .compose(
            changes -> {
              g.changes = changes;
              return vertx.deployVerticle(
                  Housekeeping.of(g.ledger, g.gauges, g.requestVerifier, g.rosterImports));
            })
        .compose(
            housekeeping -> {
              g.housekeeping = housekeeping;
              return g.deploy();
            })
        .compose(
            v ->
                ManagementServer.start(
                    vertx, config.management().host(), config.management().port(), metrics))
        .map(
            m -> {
              g.management = m;
              LOG.info(
                  "metrics on http://{}:{}/metrics (the management port)",
                  config.management().host(),
                  m.port());
              return g;
            });
  }

  /** The insured register (issue 15): its regions, single changes and bulk imports over JDBC. */
  private void insuredRegister(Database db, List<Hospitals.Hospital> hospitals) {
    Regions regions =
        new Regions(
            hospitals.stream().map(Hospitals.Hospital::region).toList(),
            () -> policyBooks.current().book());
    this.register = new RegisterService(pool, regions, enrolments, clock);
    this.registerImports =
        new ImportJobs(
            vertx, pool, db.jdbcUrl(), db.user(), db.password(), regions, enrolments, clock);
    this.rosterImports =
        new RosterImports(vertx, identityService, db.jdbcUrl(), db.user(), db.password(), clock);
    this.coverageRuns =
        new CoverageRuns(
            vertx, pool, new CoverageRuns.Target(db.jdbcUrl(), db.user(), db.password()), clock);
  }

  private Future<Void> deploy() {
    int instances =
        config.http().instances() > 0
            ? config.http().instances()
            : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    return vertx
        .deployVerticle(
            () -> {
              HttpVerticle v = new HttpVerticle(this);
              servers.add(v);
              return v;
            },
            new DeploymentOptions().setInstances(instances))
        .onSuccess(
            id ->
                LOG.info(
                    "listening on http://{}:{} ({} event-loop instances)",
                    config.http().host(),
                    port(),
                    instances))
        .mapEmpty();
  }

  private ManagerApi managerApi() {
    return new ManagerApi(
        managerAuth,
        identityService,
        rosterImports,
        ledger,
        guard,
        pool,
        limits,
        config.zone(),
        clock);
  }

  private AgencyApi agencyApi() {
    return new AgencyApi(managerAuth, register, registerImports, guard, pool, limits, clock);
  }

  @Override
  public Transport transport() {
    return transport;
  }

  /** The hospital requests at work and waiting for a fair slot. */
  public FairShare fairShare() {
    return fairShare;
  }

  @Override
  public void mountGates(Routes routes) {
    HospitalApi.mountGate(routes, hospitalGate);
    NhsaApi.mountGate(routes, hospitalGate);
    managerApi().mountGate(routes);
    agencyApi().mountGate(routes);
  }

  @Override
  public void mount(Routes routes) {
    new OpsApi(pool, guard).mount(routes);
    new HospitalApi(
            settlements,
            hospitalGate,
            new HospitalKeys(pool, clock, hospitalAuth, guard),
            config.security().apiSignatures(),
            config.zone(),
            config.maxStayDays(),
            clock)
        .mount(routes);
    new NhsaApi(
            settlements,
            hospitalGate,
            config.security().nhsaSignatures(),
            identities,
            pool,
            guard,
            clock,
            config.zone(),
            config.maxStayDays(),
            nationalByHospital,
            hospitalByPaasid,
            config.nhsaHttpStatuses())
        .mount(routes);
    managerApi().mount(routes);
    agencyApi().mount(routes);
    agencyApi().mountPage(routes);
    new PolicyApi(policyService, guard, clock, config.zone()).mount(routes);
    new CatalogueApi(catalogueService, guard, clock, config.zone()).mount(routes);
    new CoverageApi(pool, coverageRuns, guard, config.zone(), clock).mount(routes);
    new OversightApi(pool, guard, () -> engine().policies()).mount(routes);
    new SimulationApi(simulations, policyService).mount(routes);
    ManagerPage.mount(routes);
  }

  @Override
  public AppConfig config() {
    return config;
  }

  @Override
  public Metrics metrics() {
    return metrics;
  }

  public int port() {
    return servers.isEmpty() ? -1 : servers.get(0).port();
  }

  /** The management port (the Prometheus scrape), or -1 before it listens. */
  public int managementPort() {
    return management == null ? -1 : management.port();
  }

  public Pool pool() {
    return pool;
  }

  /** The engine over the policy book in force now (a snapshot: see PolicyBooks). */
  public SettlementEngine engine() {
    return policyBooks.current().engine();
  }

  /** The policy versions: drafts, approvals and the live book. */
  public PolicyService policies() {
    return policyService;
  }

  public IdentityDirectory identities() {
    return identities;
  }

  /** The register's cache of current enrolments (the settlements' read). */
  public EnrolmentCache enrolments() {
    return enrolments;
  }

  /** The circuit breaker around the database. */
  public DbGuard guard() {
    return guard;
  }

  public LedgerService ledger() {
    return ledger;
  }

  public HospitalAuth hospitalAuth() {
    return hospitalAuth;
  }

  /**
   * Stops accepting requests, lets those in flight finish (up to the grace period), then closes the
   * pool. The database itself is the caller's to stop.
   */
  public Future<Void> stop() {
    List<Future<Void>> shutdowns = new ArrayList<>();
    for (HttpVerticle v : servers) {
      shutdowns.add(v.shutdown(config.http().shutdownGraceSeconds()));
    }
    if (housekeeping != null) {
      shutdowns.add(vertx.undeploy(housekeeping));
    }
    return Future.join(shutdowns)
        .eventually(() -> management == null ? Future.succeededFuture() : management.close())
        .eventually(() -> changes == null ? Future.succeededFuture() : changes.close())
        .eventually(() -> pool.close())
        .mapEmpty();
  }
}
