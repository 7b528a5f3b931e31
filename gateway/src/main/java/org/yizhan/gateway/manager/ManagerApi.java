package org.yizhan.gateway.manager;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.ZoneId;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.yizhan.gateway.identity.IdentityService;
import org.yizhan.gateway.identity.RosterImports;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.ledger.LedgerService;
import org.yizhan.gateway.security.ManagerAuth;
import org.yizhan.gateway.security.ManagerAuth.ManagerPrincipal;
import org.yizhan.gateway.web.Limits;
import org.yizhan.gateway.web.Responses;
import org.yizhan.gateway.web.Routes;

/**
 * The civil-affairs managers' API under {@code /manager/api}, mounted here in one place and served
 * by parts by concern: {@link ManagerSessions} (log in and out, the session gate and its cross-site
 * check), {@link ManagerIdentities} (identities, 身份确认, one by one and as a roster file), {@link
 * ManagerAccounts} (prepayment accounts and their top-ups) and {@link ManagerStatements} (an
 * account's ledger entries and their check, drawdowns per day, period clearing, 清算, and
 * statements). Every route but login needs a session; a manager acts for one office and another
 * office's identity or account is "not found". The managers' page ({@code /manager/}) is a client
 * of this API.
 *
 * <p>This class also holds what more than one part needs: the manager a request acts for, how a
 * database call is answered, and the account named in a path.
 */
public final class ManagerApi {
  /** The request attribute that holds the {@link ManagerPrincipal} the session gate admitted. */
  static final String MANAGER = "manager";

  /** An account id in a path: ASCII digits, at most 18 (a positive bigint). */
  static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{1,18}");

  private final ManagerSessions sessions;
  private final ManagerIdentities identities;
  private final ManagerAccounts accounts;
  private final ManagerStatements statements;

  public ManagerApi(
      ManagerAuth auth,
      IdentityService identities,
      RosterImports rosterImports,
      LedgerService ledger,
      DbGuard guard,
      Pool pool,
      Limits limits,
      ZoneId zone,
      Clock clock) {
    this.sessions = new ManagerSessions(auth, limits, guard);
    this.identities = new ManagerIdentities(identities, rosterImports, guard, zone, clock);
    this.accounts = new ManagerAccounts(ledger, guard, pool);
    this.statements = new ManagerStatements(ledger, guard, zone, clock);
  }

  /**
   * Checks the session from the headers before the body is read (login excepted): a request without
   * a valid session is answered and its connection closed, its body never read.
   */
  public void mountGate(Routes routes) {
    sessions.mountGate(routes);
  }

  /** Mounts every route of the managers' API. */
  public void mount(Routes routes) {
    sessions.mount(routes);
    identities.mount(routes);
    accounts.mount(routes);
    statements.mount(routes);
  }

  /** The manager the session gate admitted for this request. */
  static ManagerPrincipal manager(RoutingContext ctx) {
    return ctx.get(MANAGER);
  }

  /**
   * Answers 200 with the body {@code query} renders. The query is handed over unstarted, so the
   * circuit breaker is asked before any SQL is sent, and counts it once.
   */
  static void reply(RoutingContext ctx, DbGuard guard, Supplier<Future<Buffer>> query) {
    Responses.reply(ctx, guard.call(query), 200);
  }

  /** The path's {@code id} as a UUID; anything else is {@code what} not found. */
  static UUID uuid(RoutingContext ctx, String what) {
    String id = ctx.pathParam("id");
    try {
      if (id.length() != 36) {
        throw new IllegalArgumentException();
      }
      return UUID.fromString(id);
    } catch (IllegalArgumentException e) {
      throw Refusal.notFound(what);
    }
  }

  /** The account id in the path; anything but 1–18 ASCII digits is an account not found. */
  static long accountId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    // ASCII digits only: Long.parseLong also reads full-width and other scripts' digits
    if (!ACCOUNT_ID.matcher(id).matches()) {
      throw Refusal.notFound("account");
    }
    return Long.parseLong(id);
  }
}
