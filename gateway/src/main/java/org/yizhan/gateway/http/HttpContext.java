package org.yizhan.gateway.http;

import org.yizhan.gateway.config.AppConfig;
import org.yizhan.gateway.metrics.Metrics;

/** What every HTTP verticle instance shares: settings, meters and the APIs it mounts. */
public interface HttpContext {
  AppConfig config();

  Metrics metrics();

  /** Mounts every API's routes on a new instance's router. */
  void mount(Routes routes);
}
