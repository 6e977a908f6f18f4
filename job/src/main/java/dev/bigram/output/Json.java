package dev.bigram.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** JSON with the Jackson that Spark ships. Non-finite numbers are written as {@code null}. */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  public static String compact(Object value) {
    try {
      return MAPPER.writeValueAsString(finite(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String pretty(Object value) {
    try {
      return PRETTY.writeValueAsString(finite(value)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  public static Map<String, Object> read(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return MAPPER.readValue(in, Map.class);
    }
  }

  private static Object finite(Object value) {
    if (value instanceof Double d && !Double.isFinite(d)) return null;
    if (value instanceof Map<?, ?> m) {
      java.util.LinkedHashMap<Object, Object> out = new java.util.LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, finite(v)));
      return out;
    }
    if (value instanceof java.util.List<?> l) {
      return l.stream().map(Json::finite).toList();
    }
    return value;
  }
}
