package dev.bigram.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigFingerprintTest {
  static Map<String, String> of(String... sets) {
    return ConfigFingerprint.of(TrainerConfig.load(null, List.of(sets)));
  }

  @Test
  void namesEveryChangedKeyWithBothValues() {
    List<String> d = ConfigFingerprint.differences(of("train.learning-rate=0.1", "vocab.size=300"),
        of("train.learning-rate=0.2", "vocab.size=300", "tokenizer.lowercase=false"));
    assertEquals(List.of("tokenizer.lowercase (checkpoint true, now false)",
        "train.learning-rate (checkpoint 0.1, now 0.2)"), d);
  }

  @Test
  void maxEpochsOutputDirAndHadoopSettingsMayChange() {
    Map<String, String> before = of("train.max-epochs=10", "output.dir=runs", "hadoop.\"fs.s3a.secret.key\"=old");
    Map<String, String> after = of("train.max-epochs=50", "output.dir=/abs/runs", "hadoop.\"fs.s3a.secret.key\"=new");
    assertEquals(List.of(), ConfigFingerprint.differences(before, after));
    assertFalse(before.containsKey("hadoop"), "no secret ever enters a checkpoint");
    assertTrue(before.containsKey("train.checkpoint-every"));
  }

  @Test
  void whereTheEpochsRunOnAClusterMayChangeOnResumeButTheKernelMayNot() {
    assertEquals(List.of(), ConfigFingerprint.differences(of("train.cluster-exchange=driver"),
        of("train.cluster-exchange=broadcast")));
    assertEquals(1, ConfigFingerprint.differences(of("train.kernel=fast"), of("train.kernel=exact")).size());
  }

  @Test
  void aKeyTheCheckpointLacksIsNoDifferenceAtItsDefaultButIsOneOtherwise() {
    Map<String, String> saved = new java.util.HashMap<>(of());
    saved.remove("train.decay"); // as if train.decay had been added to the job after the checkpoint was written
    assertEquals(List.of(), ConfigFingerprint.differences(saved, of()));
    assertEquals(List.of("train.decay (checkpoint not set, now 0.5)"),
        ConfigFingerprint.differences(saved, of("train.decay=0.5")));
  }

  @Test
  void numbersWrittenInAnotherFormAreTheSameValue() {
    Map<String, String> saved = new java.util.HashMap<>(of());
    saved.put("early-stopping.min-delta", "0.0001");
    Map<String, String> now = new java.util.HashMap<>(of());
    now.put("early-stopping.min-delta", "1.0E-4");
    assertEquals(List.of(), ConfigFingerprint.differences(saved, now));
  }
}
