package org.yizhan.gateway.nhsa;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.yizhan.gateway.config.Hospitals.Hospital;
import org.yizhan.gateway.config.Hospitals.National;
import org.yizhan.gateway.security.HospitalAuth.Principal;

/**
 * One national message, authenticated and checked at the envelope: who sent it, what it asks, when
 * it arrived (the answer's refmsg_time), and how its hospital's system wants the answer ({@link
 * National}).
 */
record Call(Principal who, Envelope envelope, Instant receivedAt, National national) {

  Call(Principal who, Envelope envelope, Instant receivedAt) {
    this(who, envelope, receivedAt, National.DEFAULT);
  }

  Hospital hospital() {
    return who.hospital();
  }

  String hospitalCode() {
    return who.hospital().code();
  }

  String msgid() {
    return envelope.msgid();
  }

  String infno() {
    return envelope.infno();
  }

  JsonNode input() {
    return envelope.input();
  }

  /** The transaction's {@code input.<name>} object. */
  Input data(String name) {
    return Input.of(envelope.input().get(name), "input." + name);
  }
}
