package org.yizhan.gateway.security;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/** Logback's {@code %msg} with ID numbers masked ({@link Masking#text}). */
public final class MaskedMessage extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return Masking.text(super.convert(event));
  }
}
