package dev.bigram.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void secretKeysAreRecognisedWhateverTheirCaseAndSeparator() {
    for (String key : List.of("hadoop.\"fs.s3a.secret.key\"", "db.password", "API_TOKEN", "fs.s3a.access.key",
        "fs.azure.account.AccessKey", "aws_access_key_id", "my-Secret", "fs.s3a.session.token", "sessionToken")) {
      assertTrue(Redaction.isSecret(key), key);
    }
    for (String key : List.of("output.dir", "train.learning-rate", "tokenizer.pattern", "tokenizer.lowercase",
        "fs.s3a.endpoint", "access.log", "tokens", "oov_tokens")) {
      assertFalse(Redaction.isSecret(key), key);
    }
  }

  @Test
  void theRunsConfigFileMasksSecretsAndUrlPasswordsButKeepsEverythingElse() {
    TrainerConfig c = TrainerConfig.load(null, List.of(
        "hadoop.\"fs.s3a.secret.key\"=hunter2",
        "hadoop.\"fs.s3a.access.key\"=AKIAEXAMPLE",
        "hadoop.\"fs.s3a.endpoint\"=http://127.0.0.1:9000",
        "input.paths=[\"s3a://reader:pa55word@bucket/corpus\", \"/data/b.txt\"]",
        "output.dir=hdfs://ops:s3cret@nn:8020/runs"));
    String rendered = c.render();
    for (String secret : List.of("hunter2", "AKIAEXAMPLE", "pa55word", "s3cret")) {
      assertFalse(rendered.contains(secret), secret + " leaked into:\n" + rendered);
    }
    assertTrue(rendered.contains("http://127.0.0.1:9000"), rendered);
    assertTrue(rendered.contains("s3a://reader:<redacted>@bucket/corpus"), rendered);
    assertTrue(rendered.contains("/data/b.txt"), rendered);
    // The masked file is still valid HOCON with the same keys.
    Config back = ConfigFactory.parseString(rendered);
    assertEquals(Redaction.MASK, back.getString("hadoop.\"fs.s3a.secret.key\""));
    assertEquals(c.learningRate(), back.getDouble("train.learning-rate"));
    // The job itself still sees the real values.
    assertEquals("hunter2", c.hadoop().get("fs.s3a.secret.key"));
  }

  @Test
  void logLinesLoseTheirSecrets() {
    assertEquals("setting fs.s3a.secret.key=<redacted> and fs.s3a.endpoint=x",
        Redaction.redactText("setting fs.s3a.secret.key=abc/def+g and fs.s3a.endpoint=x"));
    assertEquals("{\"password\": \"<redacted>\", \"user\": \"bob\"}",
        Redaction.redactText("{\"password\": \"open sesame\", \"user\": \"bob\"}"));
    assertEquals("reading s3a://bob:<redacted>@bucket/x, token: <redacted>",
        Redaction.redactText("reading s3a://bob:pw@bucket/x, token: t0k3n"));
    assertEquals("nothing to hide here: lr=0.1, tokens=120, tokenizer.lowercase=true",
        Redaction.redactText("nothing to hide here: lr=0.1, tokens=120, tokenizer.lowercase=true"));
  }

  @Test
  void theHadoopSectionAcceptsAnyKeyQuotedOrNested() {
    TrainerConfig c = TrainerConfig.load(null, List.of("hadoop.\"fs.s3a.endpoint\"=http://127.0.0.1:9000",
        "hadoop.dfs.replication=2", "hadoop.\"fs.s3a.aws.credentials.provider\"=[a, b]"));
    assertEquals(Map.of("fs.s3a.endpoint", "http://127.0.0.1:9000", "dfs.replication", "2",
        "fs.s3a.aws.credentials.provider", "a,b"), c.hadoop());
  }

  @Test
  void theKeysOfThisJobAreNotSecretsButAzureAndPrivateKeysAre() {
    for (String key : List.of("tokenizer.max-token-length", "tokenizer.max-line-length", "long_tokens_dropped",
        "input.binary-threshold")) {
      assertFalse(Redaction.isSecret(key), key);
    }
    for (String key : List.of("fs.azure.account.key.acct.blob.core.windows.net", "gcs.private.key", "privateKey")) {
      assertTrue(Redaction.isSecret(key), key);
    }
    String line = "tokenizer.max-token-length = 100, \"max-token-length\" : 100, input /data/x.txt";
    assertEquals(line, Redaction.redactText(line));
  }

  @Test
  void urlPasswordsWithEncodedCharactersAndAzureKeysAreMaskedInErrorLines() {
    assertEquals("error: input s3a://AKIAFAKE:<redacted>@bucket/corpus/*.gz matches no file",
        Redaction.redactText("error: input s3a://AKIAFAKE:wJalrXUtnFEMI%2FK7MDENG@bucket/corpus/*.gz matches no file"));
    assertEquals("--conf spark.hadoop.fs.azure.account.key.x.blob.core.windows.net=<redacted> --verbose",
        Redaction.redactText("--conf spark.hadoop.fs.azure.account.key.x.blob.core.windows.net=c2VjcmV0 --verbose"));
  }
}
