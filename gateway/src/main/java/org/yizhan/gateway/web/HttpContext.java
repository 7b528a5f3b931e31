package org.yizhan.gateway.web;

import org.yizhan.gateway.config.AppConfig;
import org.yizhan.gateway.metrics.Metrics;

/** What every HTTP verticle instance shares: settings, meters and the APIs it mounts. */
public interface HttpContext {
  AppConfig config();

  Metrics metrics();

  /** The connection and body-memory counts every instance shares. */
  Transport transport();

  /**
   * Mounts the handlers that run before a request's body is read (authentication from the headers):
   * a request they refuse is never read.
   */
  void mountGates(Routes routes);

  /** Mounts every API's routes on a new instance's router. */
  void mount(Routes routes);
}
