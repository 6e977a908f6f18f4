package dev.bigram.bench;

import dev.bigram.output.Json;
import java.util.LinkedHashMap;
import java.util.Map;

/** One measurement, printed as one JSON line prefixed {@code BENCH } for bench/run.sh to collect. */
final class Result {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  Result(String benchmark) {
    fields.put("benchmark", benchmark);
  }

  Result put(String key, Object value) {
    fields.put(key, value);
    return this;
  }

  void print() {
    System.out.println("BENCH " + Json.compact(fields));
    System.out.flush();
  }
}
