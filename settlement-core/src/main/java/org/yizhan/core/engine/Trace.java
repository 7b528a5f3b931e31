package org.yizhan.core.engine;

import org.yizhan.core.model.Fen;
import org.yizhan.core.model.Ratio;

/**
 * The step-by-step account of one fund's computation (setl_proc_info), written as it is computed:
 * steps separated by ", ", amounts in yuan with two decimals, ratios in percent. One builder per
 * fund and plain ASCII keep it cheap: it is written for every settlement and stored with it.
 */
final class Trace {
  private final StringBuilder text = new StringBuilder(192);

  /** Starts a new step. */
  Trace step(String words) {
    if (text.length() > 0) {
      text.append(", ");
    }
    text.append(words);
    return this;
  }

  Trace words(String words) {
    text.append(words);
    return this;
  }

  Trace yuan(long fen) {
    Fen.appendTo(text, fen);
    return this;
  }

  Trace percent(Ratio r) {
    r.appendPercent(text);
    return this;
  }

  Trace decimal(Ratio r) {
    text.append(r.toDecimalString());
    return this;
  }

  Trace number(int n) {
    text.append(n);
    return this;
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
