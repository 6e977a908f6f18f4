package dev.bigram.train;

import java.util.Locale;

/**
 * Where an epoch runs, and so how {@code W} and the gradient travel (docs/design.md, "Where an epoch runs"):
 *
 * <ul>
 *   <li>{@link #LOCAL}: local mode. Spark's tasks run in the driver's JVM and read {@code W} and write their
 *       gradient rows in place, through {@link LocalExchange}.</li>
 *   <li>{@link #DRIVER}: on a cluster, the driver collects the row blocks (the bigram counts, small) once and
 *       runs every epoch on its own cores, with the same kernel and the same sums; nothing is shipped per epoch.
 *       For the dense model this is the fast path: its epoch computes about one {@code exp} per weight, a
 *       nanosecond or two, while shipping {@code W} out and its gradient back costs 8 bytes per weight on the
 *       driver's network link, several nanoseconds even at 10 Gbit/s.</li>
 *   <li>{@link #BROADCAST}: Spark's broadcast of {@code W} ({@link WeightShipping}) and its task results. The
 *       executors compute. For the sparse model, whose epoch ships a few bytes per pair for about a hundred
 *       nanoseconds of arithmetic each, this spreads the work over the cluster.</li>
 * </ul>
 */
public enum Exchange {
  LOCAL, DRIVER, BROADCAST;

  /**
   * The exchange of a run.
   *
   * @param localMaster the master is {@code local} or {@code local[n]}
   * @param localExchange {@code train.local-exchange}: in local mode, {@link #LOCAL} rather than {@link #BROADCAST}
   * @param clusterExchange {@code train.cluster-exchange}: {@code driver}, {@code broadcast}, or {@code auto}
   *     (driver for the dense model, broadcast for the sparse one)
   * @param sparse the model is sparse
   */
  public static Exchange choose(boolean localMaster, boolean localExchange, String clusterExchange,
      boolean sparse) {
    if (localMaster) return localExchange ? LOCAL : BROADCAST;
    return switch (clusterExchange.toLowerCase(Locale.ROOT)) {
      case "driver" -> DRIVER;
      case "broadcast" -> BROADCAST;
      default -> sparse ? BROADCAST : DRIVER;
    };
  }
}
