package dev.bigram.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One configuration key, declared once with its name, default, description, reader and validator side by side
 * ({@link Keys} declares them all).
 *
 * @param <T> the value type
 */
public final class Param<T> {
  private final String name;
  private final String description;
  private final Reader<T> reader;
  private final Predicate<T> valid;
  private final String expected;
  /** The default as HOCON reads it: a number, boolean, string, list or map. */
  private final Object defaultValue;
  /** An environment variable that, when set, replaces the default; null: none. */
  private final String env;

  @FunctionalInterface
  interface Reader<T> {
    T read(Config config, String path);
  }

  private Param(String name, Object defaultValue, String description, Reader<T> reader, Predicate<T> valid,
      String expected, String env) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.description = description;
    this.reader = reader;
    this.valid = valid;
    this.expected = expected;
    this.env = env;
  }

  /** The same key, whose default is replaced by environment variable {@code variable} when that is set. */
  Param<T> fromEnv(String variable) {
    return new Param<>(name, defaultValue, description, reader, valid, expected, variable);
  }

  static Param<Double> dbl(String name, double defaultValue, String description, Predicate<Double> valid,
      String expected) {
    return new Param<>(name, defaultValue, description, Config::getDouble, valid, expected, null);
  }

  /**
   * A number, or the word {@code auto}, read as {@link Double#NaN} (only the owner of the key sees that
   * sentinel; see {@code TrainerConfig.l2Auto()}).
   */
  static Param<Double> dblOrAuto(String name, Object defaultValue, String description, Predicate<Double> valid,
      String expected) {
    return new Param<>(name, defaultValue, description, (config, path) -> {
      if (config.getValue(path).valueType() == com.typesafe.config.ConfigValueType.STRING
          && config.getString(path).equals("auto")) {
        return Double.NaN;
      }
      return config.getDouble(path);
    }, v -> v.isNaN() || valid.test(v), expected, null);
  }

  /** An integer, or {@code auto} (read as -1). */
  static Param<Integer> integerOrAuto(String name, Object defaultValue, String description,
      Predicate<Integer> valid, String expected) {
    return new Param<>(name, defaultValue, description, (config, path) -> {
      if (config.getValue(path).valueType() == com.typesafe.config.ConfigValueType.STRING
          && config.getString(path).equals("auto")) {
        return -1;
      }
      return config.getInt(path);
    }, v -> v == -1 || valid.test(v), expected, null);
  }

  static Param<Integer> integer(String name, int defaultValue, String description, Predicate<Integer> valid,
      String expected) {
    return new Param<>(name, defaultValue, description, Config::getInt, valid, expected, null);
  }

  static Param<Long> lng(String name, long defaultValue, String description) {
    return new Param<>(name, defaultValue, description, Config::getLong, v -> true, "an integer", null);
  }

  static Param<Boolean> bool(String name, boolean defaultValue, String description) {
    return new Param<>(name, defaultValue, description, Config::getBoolean, v -> true, "true or false", null);
  }

  static Param<String> string(String name, String defaultValue, String description, Predicate<String> valid,
      String expected) {
    return new Param<>(name, defaultValue, description, Config::getString, valid, expected, null);
  }

  static Param<List<String>> strings(String name, List<String> defaultValue, String description,
      Predicate<List<String>> valid, String expected) {
    return new Param<>(name, defaultValue, description, Param::readStringList, valid, expected, null);
  }

  /**
   * An open section: every key below {@code name}, at any depth, as a flat {@code dotted.key -> value} map (quoted
   * keys such as {@code "fs.s3a.endpoint"} and nested objects give the same names; a list becomes a
   * comma-separated string).
   */
  static Param<Map<String, String>> section(String name, String description) {
    return new Param<>(name, Map.of(), description, Param::readSection, v -> true,
        "an object of key = value settings", null);
  }

  private static Map<String, String> readSection(Config config, String path) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : config.getConfig(path).entrySet()) {
      Object value = e.getValue().unwrapped();
      String text = value instanceof List<?> list
          ? String.join(",", list.stream().map(String::valueOf).toList())
          : String.valueOf(value);
      out.put(String.join(".", ConfigUtil.splitPath(e.getKey())), text);
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** A list, or a single string taken as a one-element list. */
  private static List<String> readStringList(Config config, String path) {
    try {
      return List.copyOf(config.getStringList(path));
    } catch (ConfigException.WrongType e) {
      return List.of(config.getString(path));
    }
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  /** The default as HOCON reads it (a number, boolean, string, list or map). */
  public Object defaultValue() {
    return defaultValue;
  }

  /** The environment variable that replaces the default when set, or null. */
  public String env() {
    return env;
  }

  /** Reads and validates the key; problems go to {@code errors} and the result is then {@code null}. */
  T read(Config config, List<String> errors) {
    try {
      T value = reader.read(config, name);
      if (!valid.test(value)) {
        errors.add(name + " = " + render(value) + " is out of range: expected " + expected);
        return null;
      }
      return value;
    } catch (ConfigException.Missing e) {
      errors.add(name + " is missing: expected " + expected);
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      errors.add(name + " has the wrong type: expected " + expected + " (" + shortMessage(e) + ")");
    }
    return null;
  }

  private static String render(Object value) {
    return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
  }

  private static String shortMessage(ConfigException e) {
    String m = e.getMessage();
    int colon = m.lastIndexOf(": ");
    return colon >= 0 ? m.substring(colon + 2) : m;
  }
}
