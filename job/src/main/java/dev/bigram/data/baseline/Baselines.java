package dev.bigram.data.baseline;

import dev.bigram.data.TrainingData;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The count-based baselines of a run, fitted on its training counts with their smoothing parameter chosen on
 * its validation split: interpolated Kneser-Ney, modified Kneser-Ney and add-k. Written to {@code summary.json}
 * so that {@code evaluate --baseline} can score them on other text.
 *
 * @param kneserNey the discount and the validation cross-entropy it gives
 * @param addK {@code k} and the validation cross-entropy it gives
 * @param modifiedKneserNey the three discounts (the closed form, scaled on the validation split) and the
 *     validation cross-entropy they give
 */
public record Baselines(KneserNey.Choice kneserNey, KneserNey.Choice addK, ModifiedKneserNey.Fit modifiedKneserNey) {
  private static final Logger LOG = LoggerFactory.getLogger(Baselines.class);
  /** Without a validation split: the usual textbook values. */
  static final double DEFAULT_DISCOUNT = 0.75;
  static final double DEFAULT_K = 0.01;

  public static Baselines fit(TrainingData data) {
    int v = data.vocab().size();
    if (data.validationBigrams() == 0) {
      return new Baselines(new KneserNey.Choice(DEFAULT_DISCOUNT, Double.NaN),
          new KneserNey.Choice(DEFAULT_K, Double.NaN),
          ModifiedKneserNey.untuned(data.blocks()));
    }
    Baselines b = new Baselines(KneserNey.choose(data.blocks(), v), AddK.choose(data.blocks(), v),
        ModifiedKneserNey.fit(data.blocks(), v));
    ModifiedKneserNey.Discounts d = b.modifiedKneserNey.discounts();
    LOG.info(String.format(Locale.ROOT, "Baselines on the validation split: Kneser-Ney (discount %.2f) perplexity"
            + " %.2f, modified Kneser-Ney (discounts %.3f, %.3f, %.3f: the closed form times %.2f) perplexity %.2f,"
            + " add-k (k = %.4g) perplexity %.2f", b.kneserNey.parameter(), b.kneserNey.perplexity(), d.one(),
        d.two(), d.threeOrMore(), b.modifiedKneserNey.scale(), b.modifiedKneserNey.perplexity(), b.addK.parameter(),
        b.addK.perplexity()));
    return b;
  }

  /** The fields this adds to {@code summary.json}. */
  public Map<String, Object> summaryFields() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("kn_discount", kneserNey.parameter());
    s.put("kn_validation_cross_entropy", kneserNey.crossEntropy());
    s.put("kn_validation_perplexity", kneserNey.perplexity());
    s.put("mkn_discounts", modifiedKneserNey.discounts().asList());
    s.put("mkn_discount_scale", modifiedKneserNey.scale());
    s.put("mkn_validation_cross_entropy", modifiedKneserNey.crossEntropy());
    s.put("mkn_validation_perplexity", modifiedKneserNey.perplexity());
    s.put("addk_k", addK.parameter());
    s.put("addk_validation_cross_entropy", addK.crossEntropy());
    s.put("addk_validation_perplexity", addK.perplexity());
    return s;
  }
}
