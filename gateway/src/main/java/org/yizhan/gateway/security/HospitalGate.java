package org.yizhan.gateway.security;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import org.yizhan.gateway.config.AppConfig.SignatureMode;
import org.yizhan.gateway.http.ApiError;
import org.yizhan.gateway.security.HospitalAuth.Principal;
import org.yizhan.gateway.store.DbGuard;

/**
 * The way in for a hospital's request, on either front door: its API key names the hospital ({@link
 * HospitalAuth}), the hospital's rate and concurrency limits admit it ({@link Limits}), then its
 * signature, age and nonce are checked ({@link RequestVerifier}). Limits come before the nonce is
 * written, so a flood is refused before it costs the database anything; a failure to reach the
 * database on the way in is answered 503, never 500.
 */
public final class HospitalGate {
  private final HospitalAuth auth;
  private final Limits limits;
  private final RequestVerifier verifier;

  public HospitalGate(HospitalAuth auth, Limits limits, RequestVerifier verifier) {
    this.auth = auth;
    this.limits = limits;
    this.verifier = verifier;
  }

  /** The hospital calling {@code ctx}, admitted, or a failed future with the answer to give. */
  public Future<Principal> admit(RoutingContext ctx, SignatureMode signatures) {
    byte[] body =
        ctx.body() == null || ctx.body().buffer() == null
            ? new byte[0]
            : ctx.body().buffer().getBytes();
    return auth.authenticate(
            ctx.request().getHeader("Authorization"), ctx.request().getHeader("X-Api-Key"))
        .compose(
            who -> {
              limits.admitHospital(ctx, who.hospital().code());
              return verifier.verify(who, ctx.request(), body, signatures).map(who);
            })
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof ApiError
                        ? e
                        : new DbGuard.Unavailable("the caller could not be checked; retry later")));
  }

  public HospitalAuth auth() {
    return auth;
  }
}
