package dev.bigram.train;

/**
 * Where an epoch runs, and so how {@code W} and the gradient travel (docs/design.md, "Where an epoch runs"):
 *
 * <ul>
 *   <li>{@link #DRIVER}: the default, in local mode and on a cluster. The driver collects the row blocks (the
 *       bigram counts) once and runs every epoch on its own cores, reading {@code W} and writing the gradient
 *       rows in place through {@link LocalExchange}, with the same kernel and the same sums; nothing is shipped
 *       per epoch, and no Spark job runs per epoch. In local mode that is 6.7 times faster an epoch than
 *       running Spark's tasks in the same JVM at V = 1,000 and 1.5 times at 10,000. The dense model's epoch
 *       computes about one {@code exp} per weight, a nanosecond or two, while shipping {@code W} out and its gradient back costs 8 bytes per weight on the driver's network link;
 *       Spark's path adds its serialization on both sides. Measured on a standalone cluster, the driver's cores
 *       were 6.8 times faster at V = 10,000 for the dense model and 3.6 to 4.4 times for the sparse one.</li>
 *   <li>{@link #BROADCAST}: Spark's broadcast of {@code W} ({@link WeightShipping}) and its task results; the
 *       executors compute. For a driver with few cores beside many executors, and to measure Spark's path.</li>
 * </ul>
 */
public enum Exchange {
  DRIVER, BROADCAST;

  /**
   * The exchange of a run.
   *
   * @param localMaster the master is {@code local} or {@code local[n]}
   * @param localExchange {@code train.local-exchange}: in local mode, {@link #DRIVER} rather than
   *     {@link #BROADCAST}
   * @param clusterExchange {@code train.cluster-exchange}: {@code driver} or {@code broadcast}
   */
  public static Exchange choose(boolean localMaster, boolean localExchange, String clusterExchange) {
    if (localMaster) return localExchange ? DRIVER : BROADCAST;
    return clusterExchange.equals("broadcast") ? BROADCAST : DRIVER;
  }
}
