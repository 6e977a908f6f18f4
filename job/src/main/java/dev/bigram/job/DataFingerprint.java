package dev.bigram.job;

import dev.bigram.data.TrainingData;
import dev.bigram.data.Vocabulary;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the data pass produced, in a few numbers: a resumed run reruns the (deterministic) data pass and must
 * find the same vocabulary and counts, or the input changed since the checkpoint and resuming would mix two
 * corpora.
 */
public final class DataFingerprint {
  private DataFingerprint() {}

  public static Map<String, Object> of(TrainingData data) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("vocab_size", data.vocab().size());
    m.put("vocab_sha256", digest(data.vocab()));
    m.put("train_bigrams", data.trainBigrams());
    m.put("validation_bigrams", data.validationBigrams());
    m.put("distinct_train_bigrams", data.distinctTrainBigrams());
    m.put("distinct_validation_bigrams", data.distinctValidationBigrams());
    m.put("train_loss_floor", data.trainLossFloor());
    return m;
  }

  /** {@code name (checkpoint X, now Y)} for every value that differs; numbers compare by their text. */
  public static List<String> differences(Map<String, Object> saved, Map<String, Object> now) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : now.entrySet()) {
      String before = Objects.toString(saved.get(e.getKey()), "not set");
      String after = Objects.toString(e.getValue(), "not set");
      if (!before.equals(after)) {
        out.add(e.getKey() + " (checkpoint " + before + ", now " + after + ")");
      }
    }
    return out;
  }

  static String digest(Vocabulary vocab) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < vocab.size(); i++) {
        sha.update(vocab.word(i).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
