package org.yizhan.gateway.web;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.yizhan.gateway.config.AppConfig.SignatureMode;
import org.yizhan.gateway.infra.Digests;
import org.yizhan.gateway.infra.db.DbGuard;
import org.yizhan.gateway.infra.refusal.Refusal;
import org.yizhan.gateway.security.CsbSignature;
import org.yizhan.gateway.security.HospitalAuth;
import org.yizhan.gateway.security.HospitalAuth.Principal;
import org.yizhan.gateway.security.NationalSignature;
import org.yizhan.gateway.security.RequestVerifier;

/**
 * The way in for a hospital's request, on either front door, in two steps around the body.
 *
 * <p>Before the body is read ({@link #authenticate}), from the headers alone: the API key names the
 * hospital ({@link HospitalAuth}) and the hospital's rate and concurrency limits admit it ({@link
 * Limits}). A request without a valid key is answered 401 without its body ever being read, and its
 * connection is closed, so keyless callers cannot make the gateway hold their bodies. After the
 * body is read ({@link #verify}): a fair slot ({@link FairShare}), then the signature over the
 * body, its age and nonce ({@link RequestVerifier}, or the national platform's headers, {@link
 * NationalSignature}). Limits come before the nonce is written, so a flood is refused before it
 * costs the database anything; a failure to reach the database on the way in is answered 503, never
 * 500.
 *
 * <p>The body is hashed once ({@link #bodySha256}): the signature covers that hash, and the JSON
 * API's claim fingerprint is that same hash, so a settlement's body is read by SHA-256 once.
 */
public final class HospitalGate {
  /** Where the caller is kept on the routing context. */
  public static final String PRINCIPAL = "principal";

  /** Where the body's hex SHA-256 is kept on the routing context once computed. */
  private static final String BODY_SHA256 = "bodySha256";

  /** Set when the caller was known by its national header signature alone. */
  private static final String SIGNED_BY_PAASID = "signedByPaasid";

  private final HospitalAuth auth;
  private final Limits limits;
  private final RequestVerifier verifier;
  private final NationalSignature national;
  private final FairShare fair;

  public HospitalGate(
      HospitalAuth auth,
      Limits limits,
      RequestVerifier verifier,
      NationalSignature national,
      FairShare fair) {
    this.auth = auth;
    this.limits = limits;
    this.verifier = verifier;
    this.national = national;
    this.fair = fair;
  }

  /**
   * The route handler before the body: pauses the request, authenticates it from its headers and
   * admits it, then lets the body be read; refuses it otherwise and closes its connection.
   */
  public void authenticate(RoutingContext ctx) {
    ctx.request().pause();
    admit(ctx, byKey(ctx));
  }

  /**
   * {@link #authenticate} on the national interface, where a hospital system may also be known by
   * the national platform's header signature alone: with {@code x-tif-paasid} and {@code
   * x-tif-signature} and no {@code Authorization} or {@code X-Api-Key}, the paasid names the
   * hospital and the signature must match one of its keys' secrets ({@link
   * NationalSignature#identify}); {@link #verifyNational} then checks its timestamp and nonce
   * whatever the signature mode. Jiangsu's CSB headers ({@link CsbSignature}: {@code
   * _api_access_key} and {@code _api_signature}) are read the same way. An {@code apikey} header
   * beside the signature is not read: the systems that send one send the platform's API-market key,
   * not ours.
   */
  public void authenticateNational(RoutingContext ctx) {
    ctx.request().pause();
    HttpServerRequest r = ctx.request();
    boolean keyed = r.getHeader("Authorization") != null || r.getHeader("X-Api-Key") != null;
    boolean tif =
        r.getHeader(NationalSignature.PAASID) != null
            && r.getHeader(NationalSignature.SIGNATURE) != null;
    if (!keyed && (tif || CsbSignature.isCsb(r))) {
      ctx.put(SIGNED_BY_PAASID, Boolean.TRUE);
      admit(ctx, national.identify(r, auth));
    } else {
      admit(ctx, byKey(ctx));
    }
  }

  private Future<Principal> byKey(RoutingContext ctx) {
    String apiKey = ctx.request().getHeader("X-Api-Key");
    if (apiKey == null) {
      apiKey = ctx.request().getHeader("apikey");
    }
    String address =
        ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    return auth.authenticate(ctx.request().getHeader("Authorization"), apiKey, address);
  }

  private void admit(RoutingContext ctx, Future<Principal> caller) {
    caller
        .map(
            who -> {
              limits.admitHospital(ctx, who.hospital().code());
              return who;
            })
        .onSuccess(
            who -> {
              ctx.put(PRINCIPAL, who);
              ctx.next();
            })
        .onFailure(
            e -> {
              Transport.closeUnreadBody(ctx);
              ctx.fail(
                  e instanceof Refusal || e instanceof HttpRefusal
                      ? e
                      : new DbGuard.Unavailable("the caller could not be checked; retry later"));
            });
  }

  /** The caller admitted by {@link #authenticate}. */
  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /**
   * After the body is read: waits for a fair slot, then checks the JSON API's signature, age and
   * nonce over the body; a failed future holds the answer to give.
   */
  public Future<Principal> verify(RoutingContext ctx, SignatureMode signatures) {
    Principal who = principal(ctx);
    return fair.enter(ctx, who.hospital().code())
        .compose(v -> verifier.verify(who, ctx.request(), bodySha256(ctx), signatures))
        .map(who)
        .recover(HospitalGate::unavailableUnlessAnswer);
  }

  /**
   * After the body is read, on the national interface: waits for a fair slot, then checks the
   * national platform's header signature ({@code x-tif-*}).
   */
  public Future<Principal> verifyNational(RoutingContext ctx, SignatureMode signatures) {
    Principal who = principal(ctx);
    SignatureMode mode =
        Boolean.TRUE.equals(ctx.get(SIGNED_BY_PAASID)) ? SignatureMode.REQUIRED : signatures;
    return fair.enter(ctx, who.hospital().code())
        .compose(v -> national.verify(who, ctx.request(), mode))
        .map(who)
        .recover(HospitalGate::unavailableUnlessAnswer);
  }

  private static Future<Principal> unavailableUnlessAnswer(Throwable e) {
    return Future.failedFuture(
        e instanceof Refusal || e instanceof HttpRefusal
            ? e
            : new DbGuard.Unavailable("the caller could not be checked; retry later"));
  }

  /**
   * The lower-case hex SHA-256 of the request's body (of no bytes when it has none), computed once
   * per request: the request signature covers it and the JSON API's claim fingerprint is it.
   */
  public static String bodySha256(RoutingContext ctx) {
    String sha = ctx.get(BODY_SHA256);
    if (sha == null) {
      byte[] body = Requests.body(ctx);
      sha = Digests.sha256Hex(body == null ? NO_BYTES : body);
      ctx.put(BODY_SHA256, sha);
    }
    return sha;
  }

  private static final byte[] NO_BYTES = new byte[0];

  public HospitalAuth auth() {
    return auth;
  }
}
