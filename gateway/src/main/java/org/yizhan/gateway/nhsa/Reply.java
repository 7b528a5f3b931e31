package org.yizhan.gateway.nhsa;

import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.ThreadLocalRandom;
import org.yizhan.gateway.infra.json.JsonWriter;

/**
 * Writes the national response envelope: {@code infcode} 0 (success) or -1 (refused, with {@code
 * err_msg}), {@code inf_refmsgid} (our reference of the message: "YZ" + yyyyMMddHHmmss + 14 random
 * digits, 30 characters), {@code refmsg_time} (received) and {@code respond_time} (answered) as
 * {@code yyyyMMddHHmmssSSS}, {@code warn_msg}, and {@code output}. infcode is a number, as the
 * national specification types it (数值型), or for a hospital whose system compares it with the string
 * "0" (hsa-his: {@code ("0").equals(map.get("infcode"))}) the string, by its setting {@code nhsa:
 * infcodeAsString}.
 */
final class Reply {
  static final int SUCCESS = 0;
  static final int FAILURE = -1;

  private final Clock clock;
  private final ZoneId zone;

  Reply(Clock clock, ZoneId zone) {
    this.clock = clock;
    this.zone = zone;
  }

  Instant now() {
    return clock.instant();
  }

  Buffer success(Instant received, Outcome o) {
    return success(received, o, false);
  }

  Buffer success(Instant received, Outcome o, boolean infcodeAsString) {
    return envelope(SUCCESS, infcodeAsString, received, null, o.warn(), o.output(), false);
  }

  Buffer failure(Instant received, String errMsg) {
    return failure(received, errMsg, false);
  }

  Buffer failure(Instant received, String errMsg, boolean infcodeAsString) {
    return envelope(FAILURE, infcodeAsString, received, errMsg, null, null, false);
  }

  /**
   * A refused 9102 (file download): the envelope, plus {@code error} holding err_msg. A download is
   * answered with the file's bytes, so a client cannot bind its answer to the envelope's class; the
   * Foshan client (IBORN {@code API.GZSI/Business/AbstractService.cs}, CallService's 9102 branch)
   * tells a refusal from a file by {@code Encoding.UTF8.GetString(bytes).Contains("error")} and
   * would otherwise save the envelope as its zip. Clients that read infcode still find it.
   */
  Buffer downloadFailure(Instant received, String errMsg, boolean infcodeAsString) {
    return envelope(FAILURE, infcodeAsString, received, errMsg, null, null, true);
  }

  private Buffer envelope(
      int infcode,
      boolean infcodeAsString,
      Instant received,
      String err,
      String warn,
      JsonWriter.Writer output,
      boolean errorField) {
    Instant now = clock.instant();
    return JsonWriter.render(
        g -> {
          g.writeStartObject();
          if (infcodeAsString) {
            g.writeStringField("infcode", Integer.toString(infcode));
          } else {
            g.writeNumberField("infcode", infcode);
          }
          g.writeStringField("inf_refmsgid", refMsgId(now));
          g.writeStringField("refmsg_time", Formats.stamp(received == null ? now : received, zone));
          g.writeStringField("respond_time", Formats.stamp(now, zone));
          g.writeStringField("err_msg", err);
          if (errorField) {
            g.writeStringField("error", err);
          }
          g.writeStringField("warn_msg", warn);
          g.writeNullField("cainfo");
          g.writeNullField("signtype");
          g.writeFieldName("output");
          if (output == null) {
            g.writeNull();
          } else {
            output.write(g);
          }
          g.writeEndObject();
        });
  }

  private String refMsgId(Instant now) {
    long random = ThreadLocalRandom.current().nextLong(100_000_000_000_000L);
    return "YZ" + Formats.MSG_TIME.format(now.atZone(zone)) + String.format("%014d", random);
  }
}
