package dev.bigram.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void userInfoInUrisIsMasked() {
    assertEquals("input s3a://*****@bucket/corpus/*.gz matches no file",
        Redaction.redact("input s3a://AKIAFAKE:wJalrXUtnFEMI%2FK7MDENG@bucket/corpus/*.gz matches no file"));
    assertEquals("[hdfs://*****@nn:8020/x, /local/path]", Redaction.redact("[hdfs://alice@nn:8020/x, /local/path]"));
  }

  @Test
  void valuesOfSecretKeysAreMaskedInEveryCommonForm() {
    assertEquals("fs.s3a.secret.key = *****", Redaction.redact("fs.s3a.secret.key = abc123"));
    assertEquals("\"fs.s3a.secret.key\" : \"*****\"", Redaction.redact("\"fs.s3a.secret.key\" : \"abc 123\""));
    assertEquals("--conf spark.hadoop.fs.azure.account.key.x.blob.core.windows.net=***** --verbose",
        Redaction.redact("--conf spark.hadoop.fs.azure.account.key.x.blob.core.windows.net=c2VjcmV0 --verbose"));
    assertEquals("{password: *****, user: bob}", Redaction.redact("{password: hunter2, user: bob}"));
    assertEquals("fs.s3a.session.token=*****", Redaction.redact("fs.s3a.session.token=IQoJb3JpZ2luX2Vj"));
  }

  @Test
  void ordinaryTextIsLeftAlone() {
    String line = "epoch 3/200 train 4.1 vocab.size = 10000 output.dir = \"runs\" input /data/x.txt"
        + " tokenizer.max-token-length = 100 \"max-token-length\" : 100 spark.authenticate = true";
    assertEquals(line, Redaction.redact(line));
    assertFalse(Redaction.isSecretKey("vocab.size"));
    assertFalse(Redaction.isSecretKey("tokenizer.max-token-length"), "token length is not a token");
    assertTrue(Redaction.isSecretKey("fs.s3a.secret.key"));
    assertTrue(Redaction.isSecretKey("spark.ssl.keyPassword"));
    assertTrue(Redaction.isSecretKey("fs.s3a.session.token"));
  }
}
