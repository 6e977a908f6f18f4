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
 * One configuration key, declared once with its name, description, reader and validator side by side. The
 * default lives in {@code reference.conf}; {@code TrainerConfig.ALL} lists every key.
 *
 * @param <T> the value type
 */
public final class Param<T> {
  private final String name;
  private final String description;
  private final Reader<T> reader;
  private final Predicate<T> valid;
  private final String expected;

  @FunctionalInterface
  interface Reader<T> {
    T read(Config config, String path);
  }

  private Param(String name, String description, Reader<T> reader, Predicate<T> valid, String expected) {
    this.name = name;
    this.description = description;
    this.reader = reader;
    this.valid = valid;
    this.expected = expected;
  }

  static Param<Double> dbl(String name, String description, Predicate<Double> valid, String expected) {
    return new Param<>(name, description, Config::getDouble, valid, expected);
  }

  /**
   * A number, or the word {@code auto}, read as {@link Double#NaN} (only the owner of the key sees that
   * sentinel; see {@code TrainerConfig.l2Auto()}).
   */
  static Param<Double> dblOrAuto(String name, String description, Predicate<Double> valid, String expected) {
    return new Param<>(name, description, (config, path) -> {
      if (config.getValue(path).valueType() == com.typesafe.config.ConfigValueType.STRING
          && config.getString(path).equals("auto")) {
        return Double.NaN;
      }
      return config.getDouble(path);
    }, v -> v.isNaN() || valid.test(v), expected);
  }

  static Param<Integer> integer(String name, String description, Predicate<Integer> valid, String expected) {
    return new Param<>(name, description, Config::getInt, valid, expected);
  }

  static Param<Long> lng(String name, String description) {
    return new Param<>(name, description, Config::getLong, v -> true, "an integer");
  }

  static Param<Boolean> bool(String name, String description) {
    return new Param<>(name, description, Config::getBoolean, v -> true, "true or false");
  }

  static Param<String> string(String name, String description, Predicate<String> valid, String expected) {
    return new Param<>(name, description, Config::getString, valid, expected);
  }

  static Param<List<String>> strings(String name, String description, Predicate<List<String>> valid,
      String expected) {
    return new Param<>(name, description, Param::readStringList, valid, expected);
  }

  /**
   * An open section: every key below {@code name}, at any depth, as a flat {@code dotted.key -> value} map (quoted
   * keys such as {@code "fs.s3a.endpoint"} and nested objects give the same names; a list becomes a
   * comma-separated string).
   */
  static Param<Map<String, String>> section(String name, String description) {
    return new Param<>(name, description, Param::readSection, v -> true, "an object of key = value settings");
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
