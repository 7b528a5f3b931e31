package org.yizhan.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.yizhan.gateway.support.TestGateway.Response;

/** A civil-affairs manager logged in to a test gateway, calling its API with the session token. */
public final class ManagerClient {
  /** Demo managers of config/managers.yaml (passwords in config/demo-keys.txt). */
  public static final String A = "ca445202";

  public static final String A_PASSWORD = "demo-445202-pass";
  public static final String B = "ca445281";
  public static final String B_PASSWORD = "demo-445281-pass";

  private final TestGateway gw;
  private final String token;

  private ManagerClient(TestGateway gw, String token) {
    this.gw = gw;
    this.token = token;
  }

  public static ManagerClient login(TestGateway gw, String username, String password) {
    Response r =
        gw.post(
            "/manager/api/login",
            null,
            "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
    if (r.status() != 200) {
      throw new IllegalStateException("login failed: " + r.status() + " " + r.body());
    }
    return new ManagerClient(gw, ClaimJson.parse(r.body()).get("token").asText());
  }

  /** The session token, for a client that builds its own requests. */
  public String token() {
    return token;
  }

  public Response get(String path) {
    return gw.get(path, token);
  }

  public Response post(String path, String json) {
    return gw.post(path, token, json);
  }

  public Response put(String path, String json) {
    return gw.send(
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)),
        token);
  }

  public Response postCsv(String path, String csv) {
    return gw.send(
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
            .header("Content-Type", "text/csv")
            .POST(HttpRequest.BodyPublishers.ofString(csv, StandardCharsets.UTF_8)),
        token);
  }

  /** Posts a file's bytes as they are, with the given Content-Type. */
  public Response postFile(String path, String contentType, byte[] body) {
    return gw.send(
        HttpRequest.newBuilder(URI.create(gw.baseUrl() + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
        token);
  }

  public JsonNode json(Response r) {
    return ClaimJson.parse(r.body());
  }

  /** Registers a confirmed identity valid from {@code from}; returns its id. */
  public String register(String idNo, String category, String from, String to) {
    Response r =
        post(
            "/manager/api/identities",
            "{\"personIdNo\":\""
                + idNo
                + "\",\"personName\":\"测试\",\"category\":\""
                + category
                + "\",\"validFrom\":\""
                + from
                + "\""
                + (to == null ? "" : ",\"validTo\":\"" + to + "\"")
                + ",\"confirmed\":true}");
    if (r.status() != 201) {
      throw new IllegalStateException(r.status() + " " + r.body());
    }
    return json(r).get("identityId").asText();
  }

  /** Opens the office's account at a hospital and tops it up; returns the account id. */
  public long account(String hospital, String topUp, String mode) {
    long id =
        json(post("/manager/api/accounts", "{\"hospitalCode\":\"" + hospital + "\"}"))
            .get("id")
            .asLong();
    if (mode != null) {
      put(
          "/manager/api/accounts/" + id + "/settings",
          "{\"mode\":\"" + mode + "\",\"lowBalanceThreshold\":1000}");
    }
    if (topUp != null) {
      Response r =
          post(
              "/manager/api/accounts/" + id + "/top-ups",
              "{\"reference\":\"TU-" + System.nanoTime() + "\",\"amount\":" + topUp + "}");
      if (r.status() != 201) {
        throw new IllegalStateException(r.status() + " " + r.body());
      }
    }
    return id;
  }
}
