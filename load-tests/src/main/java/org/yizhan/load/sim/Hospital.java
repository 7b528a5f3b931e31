package org.yizhan.load.sim;

import static io.gatling.javaapi.core.CoreDsl.ByteArrayBody;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yizhan.gateway.security.RequestSignature;
import org.yizhan.load.LoadConfig;
import org.yizhan.load.Signer;

/**
 * Signed hospital calls in Gatling: a call is first computed in a session function (which hospital,
 * path, body), then signed there (the signature covers the exact body and path, so it cannot be a
 * static header), and the request reads path, body and headers back from the session.
 *
 * <p>The load generator shares the machine it measures, so a call costs it no more than it must:
 * the body comes as the UTF-8 bytes that are both signed and sent ({@link
 * org.yizhan.load.Claims#claimBytes}); the session takes the call's values in one copy. Each
 * request still has its own body, timestamp, nonce and signature.
 */
final class Hospital {
  /**
   * One call: the index of the hospital's key, the path (with query, as sent), the body as sent
   * (null for none) and, for a claim, the person it is for (null otherwise; kept in the session as
   * {@code yzPerson}).
   */
  record Call(int hospital, String path, byte[] body, String person) {
    Call(int hospital, String path, byte[] body) {
      this(hospital, path, body, null);
    }
  }

  private static final byte[] NO_BODY = new byte[0];

  private final List<Signer> signers = new ArrayList<>();

  Hospital(LoadConfig config) {
    for (String key : config.hospitalKeys()) {
      signers.add(new Signer(key, Clock.systemUTC()));
    }
  }

  int count() {
    return signers.size();
  }

  static HttpProtocolBuilder protocol(LoadConfig config) {
    // Shared connections: an open workload's users are single requests, and a new TCP
    // connection for each would measure connection set-up rather than settlements.
    return http.baseUrl(config.baseUrl())
        .shareConnections()
        .disableWarmUp()
        .disableCaching()
        .acceptHeader("application/json")
        .userAgentHeader("yizhan-load");
  }

  /**
   * A chain that computes {@code call}, signs it and sends it as request {@code name}; the session
   * keeps the hospital index under {@code yzHospital} (and the call's person under {@code
   * yzPerson}).
   */
  ChainBuilder signed(
      String name, String method, Function<Session, Call> call, CheckBuilder... checks) {
    HttpRequestActionBuilder request =
        http(name)
            .httpRequest(method, "#{yzPath}")
            .header("Authorization", "#{yzAuth}")
            .header(RequestSignature.TIMESTAMP, "#{yzTs}")
            .header(RequestSignature.NONCE, "#{yzNonce}")
            .header(RequestSignature.METHOD, "#{yzMethod}")
            .header(RequestSignature.SIGNATURE, "#{yzSig}")
            .check(checks);
    if (!method.equals("GET")) {
      request =
          request
              .header("Content-Type", "application/json")
              .body(ByteArrayBody(s -> s.<byte[]>get("yzBody")));
    }
    return exec(session -> {
          Call c = call.apply(session);
          byte[] body = c.body() == null ? NO_BODY : c.body();
          Signer.Signed h = signers.get(c.hospital()).sign(method, c.path(), body);
          Map<String, Object> values = new HashMap<>(16);
          values.put("yzHospital", c.hospital());
          values.put("yzPath", c.path());
          values.put("yzBody", body);
          values.put("yzAuth", h.authorization());
          values.put("yzTs", h.timestamp());
          values.put("yzNonce", h.nonce());
          values.put("yzMethod", h.method());
          values.put("yzSig", h.signature());
          if (c.person() != null) {
            values.put("yzPerson", c.person());
          }
          return session.setAll(values);
        })
        .exec(request);
  }
}
