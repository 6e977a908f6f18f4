package dev.bigram.train;

import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.storage.BlockUpdatedInfo;
import org.apache.spark.storage.BroadcastBlockId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an evaluation really shipped, as Spark itself reports it: not the payload the driver serialized, but the
 * bytes that arrived on executors and came back.
 *
 * <ul>
 *   <li>Weights out: an executor that reads a broadcast fetches its pieces (from the driver or, torrent-style,
 *       from another executor) and stores each one in its block manager, which reports the block, with its size,
 *       to the driver: a {@link SparkListenerBlockUpdated} event. The sum over executors of the pieces of this
 *       evaluation's broadcasts is what was shipped to them. Pieces the driver stores itself are not counted, so
 *       in {@code local[*]}, where nothing crosses a JVM boundary, this is 0.
 *   <li>Gradient back: the serialized size of every result task's result ({@link TaskMetrics#resultSize()}),
 *       plus what the tasks of an intermediate {@code treeAggregate} level wrote to the shuffle; and the time the
 *       driver spent fetching results too large to travel with the status update ({@link TaskInfo}).
 * </ul>
 *
 * Jobs are attributed to an evaluation by the local property {@link #TAG}. Listener events arrive asynchronously;
 * {@link #await} waits for the job's end event, which Spark posts after every block update and task end of the
 * job.
 */
public final class ShippingMeter extends SparkListener {
  /** Local property naming the evaluation a job belongs to. */
  public static final String TAG = "bigram.evaluation";
  private static final Logger LOG = LoggerFactory.getLogger(ShippingMeter.class);
  private static final String DRIVER = "driver";
  private static final long AWAIT_MILLIS = 10_000;

  private final SparkContext sc;
  /** broadcast id -> (executor id + piece name -> bytes stored there). */
  private final Map<Long, Map<String, Long>> pieces = new ConcurrentHashMap<>();
  private final Map<Integer, String> stageTags = new ConcurrentHashMap<>();
  private final Map<Integer, String> jobTags = new ConcurrentHashMap<>();
  private final Map<String, Counters> counters = new ConcurrentHashMap<>();
  private final Set<String> finished = ConcurrentHashMap.newKeySet();
  private final AtomicLong evaluations = new AtomicLong();
  private final Totals totals = new Totals();
  private volatile boolean broken;

  /**
   * What one evaluation shipped.
   *
   * @param broadcastBytes bytes of weight pieces stored on executors (summed over executors)
   * @param fetchingExecutors executors that fetched at least one piece
   * @param resultBytes serialized task results returned to the driver
   * @param shuffleBytes bytes written to the shuffle by intermediate aggregation levels (0 with few partitions)
   * @param resultFetchSeconds driver time fetching large task results from executors
   */
  public record Shipped(long broadcastBytes, int fetchingExecutors, long resultBytes, long shuffleBytes,
      double resultFetchSeconds) {}

  private static final class Counters {
    final AtomicLong resultBytes = new AtomicLong();
    final AtomicLong shuffleBytes = new AtomicLong();
    final AtomicLong resultFetchMillis = new AtomicLong();
  }

  /** Sums over every evaluation measured so far. */
  private static final class Totals {
    long evaluations;
    long broadcastBytes;
    long resultBytes;
    long shuffleBytes;
  }

  private ShippingMeter(SparkContext sc) {
    this.sc = sc;
  }

  /** A meter listening on {@code sc}; {@link #close()} removes it. */
  public static ShippingMeter register(SparkContext sc) {
    ShippingMeter meter = new ShippingMeter(sc);
    sc.addSparkListener(meter);
    return meter;
  }

  /** A fresh tag for the next evaluation's jobs, whose pieces of {@code broadcastIds} are to be counted. */
  String start(Collection<Long> broadcastIds) {
    if (!broken) {
      for (long id : broadcastIds) pieces.put(id, new ConcurrentHashMap<>());
    }
    return "evaluation-" + evaluations.incrementAndGet();
  }

  /**
   * What the jobs tagged {@code tag} shipped, counting the pieces of {@code broadcastIds} (those given to
   * {@link #start}); waits for the job end event. Returns null (and stops measuring) when the event does not come, e.g. when Spark dropped events.
   */
  Shipped await(String tag, Collection<Long> broadcastIds) {
    if (broken || !waitForJobEnd(tag)) {
      broadcastIds.forEach(pieces::remove);
      counters.remove(tag);
      return null;
    }
    long bytes = 0;
    Set<String> executors = new HashSet<>();
    for (long id : broadcastIds) {
      Map<String, Long> stored = pieces.remove(id);
      if (stored == null) continue;
      for (Map.Entry<String, Long> e : stored.entrySet()) {
        bytes += e.getValue();
        executors.add(e.getKey().substring(0, e.getKey().indexOf('/')));
      }
    }
    Counters c = counters.remove(tag);
    Shipped shipped = c == null ? new Shipped(bytes, executors.size(), 0, 0, 0)
        : new Shipped(bytes, executors.size(), c.resultBytes.get(), c.shuffleBytes.get(),
            c.resultFetchMillis.get() / 1e3);
    synchronized (totals) {
      totals.evaluations++;
      totals.broadcastBytes += shipped.broadcastBytes();
      totals.resultBytes += shipped.resultBytes();
      totals.shuffleBytes += shipped.shuffleBytes();
    }
    return shipped;
  }

  private boolean waitForJobEnd(String tag) {
    long deadline = System.currentTimeMillis() + AWAIT_MILLIS;
    synchronized (this) {
      while (!finished.contains(tag)) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          broken = true;
          LOG.warn("No job end event for {} after {} ms: shipped bytes are not measured for the rest of the run",
              tag, AWAIT_MILLIS);
          return false;
        }
        try {
          wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      finished.remove(tag);
      return true;
    }
  }

  /** Means per evaluation over the run, for summary.json; empty when nothing was measured. */
  public Map<String, Object> summary() {
    synchronized (totals) {
      if (totals.evaluations == 0 || broken) return Map.of();
      return Map.of(
          "shipped_broadcast_bytes_per_epoch", totals.broadcastBytes / totals.evaluations,
          "shipped_result_bytes_per_epoch", (totals.resultBytes + totals.shuffleBytes) / totals.evaluations);
    }
  }

  /** Stops listening. */
  public void close() {
    sc.removeSparkListener(this);
  }

  @Override
  public void onJobStart(SparkListenerJobStart event) {
    String tag = event.properties() == null ? null : event.properties().getProperty(TAG);
    if (tag == null) return;
    jobTags.put(event.jobId(), tag);
    counters.computeIfAbsent(tag, t -> new Counters());
    scala.collection.Iterator<Object> it = event.stageIds().iterator();
    while (it.hasNext()) stageTags.put((Integer) it.next(), tag);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    String tag = stageTags.get(event.stageId());
    TaskMetrics metrics = event.taskMetrics();
    if (tag == null || metrics == null) return;
    Counters c = counters.computeIfAbsent(tag, t -> new Counters());
    if ("ResultTask".equals(event.taskType())) {
      c.resultBytes.addAndGet(metrics.resultSize());
    }
    c.shuffleBytes.addAndGet(metrics.shuffleWriteMetrics().bytesWritten());
    TaskInfo info = event.taskInfo();
    if (info != null && info.gettingResultTime() > 0 && info.finishTime() > info.gettingResultTime()) {
      c.resultFetchMillis.addAndGet(info.finishTime() - info.gettingResultTime());
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd event) {
    String tag = jobTags.remove(event.jobId());
    if (tag == null) return;
    stageTags.values().removeIf(tag::equals);
    synchronized (this) {
      finished.add(tag);
      notifyAll();
    }
  }

  @Override
  public void onBlockUpdated(SparkListenerBlockUpdated event) {
    BlockUpdatedInfo info = event.blockUpdatedInfo();
    if (!(info.blockId() instanceof BroadcastBlockId id) || !id.field().startsWith("piece")) return;
    String executor = info.blockManagerId().executorId();
    if (DRIVER.equals(executor) || !info.storageLevel().isValid()) return;
    Map<String, Long> stored = pieces.get(id.broadcastId());
    if (stored != null) {
      LOG.debug("{} stored on executor {}: {} bytes in memory, {} on disk", id.name(), executor, info.memSize(),
          info.diskSize());
      // The first report is the arrival. Later ones only move the piece (a copy to disk under memory pressure
      // reports it in memory and on disk): the same bytes, not shipped again.
      stored.putIfAbsent(executor + "/" + id.field(), Math.max(info.memSize(), info.diskSize()));
    }
  }
}
