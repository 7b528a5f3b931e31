package org.yizhan.gateway.security;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;

/** Logback's {@code %ex}: stack traces with ID numbers in their messages masked. */
public final class MaskedThrowable extends ThrowableProxyConverter {
  @Override
  protected String throwableProxyToString(IThrowableProxy proxy) {
    return Masking.text(super.throwableProxyToString(proxy));
  }
}
