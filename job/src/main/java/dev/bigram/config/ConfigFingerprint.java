package dev.bigram.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The settings that decide a run's numbers, as {@code key -> value} text. A checkpoint records them, so that
 * {@code train --resume} can refuse a changed configuration and name the keys that differ.
 *
 * <p>Left out: {@code train.max-epochs} (a resumed run may be given more or fewer epochs),
 * {@code output.dir} (the checkpoint was found there, whichever way the path was spelled) and the
 * {@code hadoop} section (file-system settings and credentials, which may rotate between a crash and the
 * resume; leaving it out also keeps secrets out of checkpoints), and the {@code publish.*} keys (they decide
 * what happens after training, not what it computes), and {@code train.cluster-exchange} (where the epochs run,
 * not what they compute: a run checkpointed on one path may resume on the other). A key that a checkpoint does
 * not hold (one added to the job after it was written) is no difference while it has its default.
 */
public final class ConfigFingerprint {
  static final Set<String> MAY_CHANGE_ON_RESUME = Set.of(Keys.TRAIN_MAX_EPOCHS.name(),
      Keys.OUTPUT_DIR.name(), Keys.HADOOP.name(), Keys.PUBLISH_REGRESSION_MARGIN.name(),
      Keys.PUBLISH_KEEP_RUNS.name(), Keys.TRAIN_CLUSTER_EXCHANGE.name());

  private ConfigFingerprint() {}

  /** Every declared key but those a resume may change, with its effective value rendered as HOCON. */
  public static Map<String, String> of(TrainerConfig config) {
    Map<String, String> out = new TreeMap<>();
    for (Param<?> p : Keys.ALL) {
      if (MAY_CHANGE_ON_RESUME.contains(p.name())) continue;
      String value = config.effective().hasPath(p.name())
          ? config.effective().getValue(p.name()).render(ConfigRenderOptions.concise())
          : "null";
      out.put(p.name(), value);
    }
    return out;
  }

  /**
   * One line per key whose value differs between a saved fingerprint and the current one, in key order, such
   * as {@code train.learning-rate (checkpoint 0.1, now 0.2)}; empty when they agree. Keys a resume may change
   * are ignored even if a saved fingerprint holds them.
   */
  public static List<String> differences(Map<String, String> saved, Map<String, String> now) {
    Set<String> keys = new TreeSet<>(saved.keySet());
    keys.addAll(now.keySet());
    keys.removeAll(MAY_CHANGE_ON_RESUME);
    List<String> out = new ArrayList<>();
    for (String key : keys) {
      String before = saved.get(key);
      String after = now.get(key);
      if (before == null && after != null && isDefault(key, after)) continue; // a key added since, at its default
      if (before == null || after == null || !sameValue(before, after)) {
        out.add(key + " (checkpoint " + (before == null ? "not set" : before) + ", now "
            + (after == null ? "not set" : after) + ")");
      }
    }
    return out;
  }

  private static boolean isDefault(String key, String rendered) {
    for (Param<?> p : Keys.ALL) {
      if (p.name().equals(key)) {
        return sameValue(com.typesafe.config.ConfigValueFactory.fromAnyRef(p.defaultValue())
            .render(ConfigRenderOptions.concise()), rendered);
      }
    }
    return false;
  }

  /**
   * Whether two rendered HOCON values mean the same: {@code 1.0E-4} and {@code 0.0001} do (a checkpoint written
   * by an earlier version of the job renders some numbers differently).
   */
  private static boolean sameValue(String a, String b) {
    if (a.equals(b)) return true;
    try {
      ConfigValue x = ConfigFactory.parseString("v = " + a).getValue("v");
      ConfigValue y = ConfigFactory.parseString("v = " + b).getValue("v");
      if (x.unwrapped() instanceof Number n && y.unwrapped() instanceof Number m) {
        return n.doubleValue() == m.doubleValue();
      }
      return x.unwrapped().equals(y.unwrapped());
    } catch (ConfigException e) {
      return false;
    }
  }
}
