package org.yizhan.load.sim;

import io.gatling.javaapi.core.Simulation;
import org.yizhan.load.LoadWindow;

/**
 * A simulation whose load is bounded for the CPU figures of bench.sh: its hooks mark the readings
 * of {@link LoadWindow} as the first user starts and after the last one ends.
 */
abstract class Windowed extends Simulation {
  @Override
  public void before() {
    LoadWindow.opened();
  }

  @Override
  public void after() {
    LoadWindow.closed();
  }
}
