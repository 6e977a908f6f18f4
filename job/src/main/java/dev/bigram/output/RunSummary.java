package dev.bigram.output;

import dev.bigram.config.TrainerConfig;
import dev.bigram.data.CorpusStats;
import dev.bigram.data.TrainingData;
import dev.bigram.optim.Convergence;
import dev.bigram.train.EpochRecord;
import dev.bigram.train.TrainingResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** {@code summary.json}: the documented fields first, then more (docs/operations.md,
 * "Outputs of a run"). */
public final class RunSummary {
  private RunSummary() {}

  public static Map<String, Object> build(String runId, TrainerConfig config, TrainingData data,
      TrainingResult result, double secondsTotal) {
    List<EpochRecord> h = result.history();
    EpochRecord last = result.last();
    EpochRecord best = result.bestRecord();
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("run_id", runId);
    s.put("format_version", RunFiles.FORMAT_VERSION);
    s.put("epochs_run", h.size());
    s.put("best_epoch", result.bestEpoch());
    s.put("stop_reason", result.stopReason().label());
    s.put("final_train_loss", last.trainLoss());
    s.put("best_validation_loss", best.validationLoss());
    s.put("train_loss_floor", data.trainLossFloor());
    s.put("vocab_size", data.vocab().size());
    s.put("train_bigrams", data.trainBigrams());
    s.put("distinct_bigrams", data.distinctTrainBigrams());
    s.put("seconds_data_pass", data.seconds());
    s.put("seconds_training", result.seconds());
    s.put("seconds_total", secondsTotal);
    // The exercise's convergence test on the training loss (Convergence): stable, not necessarily good.
    Convergence convergence = new Convergence(config.analysis().convergenceTolerance());
    double[] losses = h.stream().mapToDouble(EpochRecord::trainLoss).toArray();
    s.put("converged", convergence.converged(losses));
    // ---- beyond the first design's fields
    s.put("mean_recent_loss_change", Convergence.meanRecentChange(losses));
    s.put("convergence_tolerance", convergence.tolerance());
    OptionalInt convergedEpoch = convergence.firstConvergedEpoch(losses);
    s.put("converged_epoch", convergedEpoch.isPresent() ? convergedEpoch.getAsInt() : null);
    s.put("best_train_loss", best.trainLoss());
    s.put("final_validation_loss", last.validationLoss());
    s.put("best_floor_gap", best.floorGap());
    // Row 1 is the starting model, so the history spans epochs_run - 1 updates between the first and last row.
    double totalImprovement = h.get(0).trainLoss() - last.trainLoss();
    s.put("total_improvement", totalImprovement);
    s.put("average_improvement_per_epoch", h.size() > 1 ? totalImprovement / (h.size() - 1) : 0.0);
    s.put("validation_bigrams", data.validationBigrams());
    s.put("distinct_validation_bigrams", data.distinctValidationBigrams());
    s.put("lines", data.stat(CorpusStats.LINES));
    s.put("tokens", data.stat(CorpusStats.TOKENS));
    s.put("oov_tokens", data.stat(CorpusStats.OOV_TOKENS));
    s.put("oov_rate", data.oovRate());
    s.put("train_lines", data.stat(CorpusStats.TRAIN_LINES));
    s.put("validation_lines", data.stat(CorpusStats.VALIDATION_LINES));
    // ---- what reading repaired, cut or skipped (issue 7)
    s.put("vocab_size_requested", config.vocabSize());
    s.put("invalid_utf8_bytes", data.stat(CorpusStats.INVALID_BYTES));
    s.put("control_chars", data.stat(CorpusStats.CONTROL_CHARS));
    s.put("truncated_lines", data.stat(CorpusStats.TRUNCATED_LINES));
    s.put("truncated_bytes", data.stat(CorpusStats.TRUNCATED_BYTES));
    s.put("long_tokens_dropped", data.stat(CorpusStats.LONG_TOKENS));
    s.put("binary_files_skipped", data.stat(CorpusStats.BINARY_FILES));
    s.put("optimizer", config.optimizer());
    s.put("learning_rate", config.learningRate());
    s.put("l2", config.l2());
    s.put("model_bias", config.bias());
    // The layout model.weights chose (auto decides by V); a run without the field is dense.
    s.put("model_weights", result.bestModel().isSparse() ? "sparse" : "dense");
    if (result.bestModel().isSparse()) s.put("model_pairs", result.bestModel().pairs().size());
    s.put("tokenizer_pattern", config.tokenizer().pattern());
    s.put("tokenizer_lowercase", config.tokenizer().lowercase());
    s.put("tokenizer_sentence_markers", config.tokenizer().sentenceMarkers());
    s.put("tokenizer_max_token_length", config.tokenizer().maxTokenLength());
    s.put("row_blocks", data.partitioner().numPartitions());
    s.put("broadcast", config.broadcast());
    s.put("mean_epoch_seconds", h.stream().mapToDouble(EpochRecord::seconds).average().orElse(0));
    s.put("broadcast_bytes_per_epoch", last.broadcastBytes());
    s.put("gradient_bytes_per_epoch", last.resultBytes());
    return s;
  }

}
