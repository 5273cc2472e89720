package dev.svd.config;

import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads typed values out of one HOCON object, adding a {@link ConfigProblem} for every value that is
 * there but wrong and answering the default instead, so reading can go on and find the next one.
 * Absent keys and {@code null} values get the default. One per object and load, used by one thread.
 */
final class ConfigReader {
    /**
     * No value svd uses (a path, an argument, an environment value) can hold a NUL: the kernel ends
     * a string there. Refused here once, rather than failing later wherever the text is used.
     */
    private static final String NUL_PROBLEM = "must not contain a NUL character (\\u0000)";

    private static final Pattern BARE_NUMBER = Pattern.compile("[+-]?[0-9]+(\\.[0-9]*)?");

    private final ConfigObject object;
    private final List<String> path;
    private final Problems problems;
    /** How an element of a list of objects is named ({@code services.web.sockets[0]}); null for a keyed object. */
    private final String element;

    ConfigReader(ConfigObject object, List<String> path, Problems problems) {
        this(object, path, problems, null);
    }

    private ConfigReader(ConfigObject object, List<String> path, Problems problems, String element) {
        this.object = object;
        this.path = List.copyOf(path);
        this.problems = problems;
        this.element = element;
    }

    /** This object's own key, such as {@code services.nginx}. */
    String path() {
        return element != null ? element : ConfigUtil.joinPath(path);
    }

    /** The full key as operators write it, such as {@code services.nginx.stop.timeout}. */
    String keyPath(String key) {
        if (element != null) {
            return element + "." + ConfigUtil.joinPath(List.of(key));
        }
        List<String> elements = new ArrayList<>(path);
        elements.add(key);
        return ConfigUtil.joinPath(elements);
    }

    /** A list of objects, each read by its own reader named {@code key[i]}; other elements are problems. */
    List<ConfigReader> objectList(String key, String example) {
        Optional<ConfigValue> value = value(key);
        if (value.isEmpty()) {
            return List.of();
        }
        if (value.get().valueType() != ConfigValueType.LIST) {
            problem(key, "expected a list of objects such as " + example + " (was " + typeOf(value.get()) + ")");
            return List.of();
        }
        List<ConfigReader> readers = new ArrayList<>();
        List<?> elements = (List<?>) value.get();
        for (int i = 0; i < elements.size(); i++) {
            ConfigValue e = (ConfigValue) elements.get(i);
            if (e instanceof ConfigObject o) {
                List<String> elementPath = new ArrayList<>(path);
                elementPath.add(key);
                readers.add(new ConfigReader(o, elementPath, problems, keyPath(key) + "[" + i + "]"));
            } else {
                problems.add(Origins.of(e.origin()), keyPath(key) + "[" + i + "]",
                        "expected an object such as " + example + " (was " + typeOf(e) + ")");
            }
        }
        return readers;
    }

    /** Where this object starts. */
    Origin origin() {
        return Origins.of(object.origin());
    }

    /** Where the key's value is, or where this object starts when the key is absent. */
    Origin originOf(String key) {
        return value(key).map(v -> Origins.of(v.origin())).orElseGet(this::origin);
    }

    /** Whether the key is there with a value other than {@code null}. */
    /**
     * Where each key of this object is set, nested keys dotted ({@code stop.signal}): for
     * {@code svctl show}. Reports no problems; the keys are read (and checked) elsewhere.
     */
    Map<String, Origin> keyOrigins() {
        Map<String, Origin> found = new java.util.TreeMap<>();
        keyOrigins(object, "", found);
        return found;
    }

    private static void keyOrigins(ConfigObject o, String prefix, Map<String, Origin> found) {
        o.forEach((k, v) -> {
            found.put(prefix + k, Origins.of(v.origin()));
            if (v instanceof ConfigObject child) {
                keyOrigins(child, prefix + k + ".", found);
            }
        });
    }

    boolean has(String key) {
        return value(key).isPresent();
    }

    void problem(String key, String message) {
        problems.add(originOf(key), keyPath(key), message);
    }

    /** A problem with element {@code index} of the list at {@code key}, named {@code key[index]}. */
    void elementProblem(String key, int index, String message) {
        problems.add(originOf(key), keyPath(key) + "[" + index + "]", message);
    }

    void rejectUnknownKeys(List<String> known) {
        for (String key : object.keySet()) {
            if (!known.contains(key)) {
                problem(key, "unknown key " + KeySuggester.suggest(key, known)
                        .map(s -> "(did you mean \"" + s + "\"?)")
                        .orElseGet(() -> "(expected one of " + String.join(", ", known) + ")"));
            }
        }
    }

    Optional<ConfigReader> object(String key) {
        return value(key).flatMap(v -> {
            if (v instanceof ConfigObject o) {
                List<String> elements = new ArrayList<>(path);
                elements.add(key);
                return Optional.of(new ConfigReader(o, elements, problems));
            }
            problem(key, "expected an object { ... } (was " + typeOf(v) + ")");
            return Optional.empty();
        });
    }

    /**
     * Every entry that is an object, in file order: Typesafe keeps no order, so by the line of the
     * entry's value, then by name. Other entries are problems.
     */
    Map<String, ConfigReader> objectsInFileOrder(String example) {
        Map<String, ConfigReader> found = new LinkedHashMap<>();
        object.entrySet().stream()
                .sorted(Comparator.comparingInt((Map.Entry<String, ConfigValue> e) -> Origins.of(e.getValue().origin()).line())
                        .thenComparing(Map.Entry::getKey))
                .forEach(e -> {
                    if (e.getValue() instanceof ConfigObject) {
                        object(e.getKey()).ifPresent(r -> found.put(e.getKey(), r));
                    } else if (e.getValue().valueType() != ConfigValueType.NULL) {
                        problem(e.getKey(), "expected an object such as " + example + " (was " + typeOf(e.getValue()) + ")");
                    }
                });
        return found;
    }

    Optional<String> string(String key, String example) {
        return value(key).flatMap(v -> scalar(v).or(() -> {
            problem(key, "expected a string such as " + example + " (was " + typeOf(v) + ")");
            return Optional.empty();
        })).filter(text -> withoutNul(text, () -> problem(key, NUL_PROBLEM)));
    }

    /**
     * A string that names a file: a problem at {@code key} when this system cannot make a file name
     * of it (a character its file name encoding cannot hold, see {@link FileNames}).
     */
    Optional<java.nio.file.Path> path(String key, String example) {
        return string(key, example).flatMap(text -> {
            Optional<java.nio.file.Path> path = FileNames.path(text);
            if (path.isEmpty()) {
                problem(key, FileNames.unusable(text));
            }
            return path;
        });
    }

    private static boolean withoutNul(String text, Runnable report) {
        if (text.indexOf('\u0000') >= 0) {
            report.run();
            return false;
        }
        return true;
    }

    /** A list of strings; numbers and booleans in it are taken as their text. */
    Optional<List<String>> stringList(String key, String example) {
        return value(key).flatMap(v -> {
            if (v.valueType() != ConfigValueType.LIST) {
                problem(key, "expected a list of strings such as " + example + " (was " + typeOf(v) + ")");
                return Optional.empty();
            }
            List<String> strings = new ArrayList<>();
            List<?> elements = (List<?>) v;
            for (int i = 0; i < elements.size(); i++) {
                ConfigValue element = (ConfigValue) elements.get(i);
                Optional<String> text = scalar(element);
                if (text.isEmpty()) {
                    problems.add(Origins.of(element.origin()), keyPath(key) + "[" + i + "]",
                            "expected a string (was " + typeOf(element) + ")");
                }
                int at = i;
                text.filter(t -> withoutNul(t, () -> problems.add(Origins.of(element.origin()),
                        keyPath(key) + "[" + at + "]", NUL_PROBLEM))).ifPresent(strings::add);
            }
            return Optional.of(strings);
        });
    }

    /** An object whose values are strings (numbers and booleans taken as their text), in file order. */
    Map<String, String> stringMap(String key, String example) {
        Map<String, String> found = new LinkedHashMap<>();
        object(key).ifPresent(o -> o.object.entrySet().stream()
                .sorted(Comparator.comparingInt(e -> Origins.of(e.getValue().origin()).line()))
                .forEach(e -> o.string(e.getKey(), example).ifPresent(s -> found.put(e.getKey(), s))));
        return found;
    }

    /** A duration with a unit, zero or more. */
    Duration duration(String key, Duration fallback) {
        return durationAtLeast(key, fallback, Duration.ZERO, "must not be negative");
    }

    /** A duration with a unit, more than zero. */
    Duration positiveDuration(String key, Duration fallback) {
        return durationAtLeast(key, fallback, Duration.ofNanos(1), "must be more than zero");
    }

    private Duration durationAtLeast(String key, Duration fallback, Duration least, String otherwise) {
        return convert(key, fallback, "a duration such as 10s", v -> {
            if (BARE_NUMBER.matcher(v.unwrapped().toString().trim()).matches()) {
                problem(key, "expected a duration such as 10s (was " + show(v) + "): add a unit, such as "
                        + v.unwrapped().toString().trim() + "s");
                return fallback;
            }
            return atLeast(key, v, v.atKey("v").getDuration("v"), least, otherwise, fallback);
        });
    }

    /** A size in bytes, with or without a unit ({@code 10MiB}, {@code 1048576}), more than zero. */
    long size(String key, long fallback) {
        return convert(key, fallback, "a size such as 10MiB",
                v -> atLeast(key, v, v.atKey("v").getBytes("v"), 1L, "must be more than zero", fallback));
    }

    int integer(String key, int fallback, int least) {
        return convert(key, fallback, "a whole number such as " + fallback, v -> {
            String text = v.unwrapped().toString().trim();
            if (!text.matches("[+-]?[0-9]{1,9}")) {
                problem(key, "expected a whole number such as " + fallback + " (was " + show(v) + ")");
                return fallback;
            }
            return atLeast(key, v, Integer.parseInt(text), least, "must be at least " + least, fallback);
        });
    }

    boolean bool(String key, boolean fallback) {
        return convert(key, fallback, "true or false", v -> v.atKey("v").getBoolean("v"));
    }

    /** One of the given words, such as a restart policy; Typesafe's own conversions do not apply. */
    <T> T choice(String key, Map<String, T> choices, T fallback) {
        String what = "one of " + String.join(", ", choices.keySet());
        return convert(key, fallback, what, v -> {
            T chosen = choices.get(v.unwrapped().toString());
            if (chosen == null) {
                problem(key, "expected " + what + " (was " + show(v) + ")");
                return fallback;
            }
            return chosen;
        });
    }

    Signal signal(String key, Signal fallback) {
        return convert(key, fallback, "a signal such as TERM", v -> Signal.parse(v.unwrapped().toString()).orElseGet(() -> {
            problem(key, "expected a signal, one of " + Arrays.stream(Signal.values())
                    .map(Signal::name).collect(Collectors.joining(", ")) + " (was " + show(v) + ")");
            return fallback;
        }));
    }

    /**
     * Converts a scalar value, turning Typesafe's conversion errors and non-scalars into a
     * problem "expected {what} (was ...)" and the fallback.
     */
    private <T> T convert(String key, T fallback, String what, Function<ConfigValue, T> conversion) {
        Optional<ConfigValue> value = value(key);
        if (value.isEmpty()) {
            return fallback;
        }
        ConfigValue v = value.get();
        if (scalar(v).isEmpty()) {
            problem(key, "expected " + what + " (was " + typeOf(v) + ")");
            return fallback;
        }
        try {
            return conversion.apply(v);
        } catch (com.typesafe.config.ConfigException e) {
            problem(key, "expected " + what + " (was " + show(v) + ")");
            return fallback;
        }
    }

    private <T extends Comparable<T>> T atLeast(String key, ConfigValue v, T actual, T least, String otherwise, T fallback) {
        if (actual.compareTo(least) < 0) {
            problem(key, otherwise + " (was " + show(v) + ")");
            return fallback;
        }
        return actual;
    }

    private Optional<ConfigValue> value(String key) {
        ConfigValue v = object.get(key);
        return v == null || v.valueType() == ConfigValueType.NULL ? Optional.empty() : Optional.of(v);
    }

    /** The text of a string, number or boolean, as written; empty for lists and objects. */
    private static Optional<String> scalar(ConfigValue v) {
        return switch (v.valueType()) {
            case STRING, NUMBER, BOOLEAN -> Optional.of(v.atKey("v").getString("v"));
            default -> Optional.empty();
        };
    }

    /** A value as operators wrote it: strings quoted, other scalars as they are, containers by type. */
    private static String show(ConfigValue v) {
        return switch (v.valueType()) {
            case STRING -> "\"" + v.unwrapped() + "\"";
            case NUMBER, BOOLEAN -> scalar(v).orElseThrow();
            default -> typeOf(v);
        };
    }

    private static String typeOf(ConfigValue v) {
        return switch (v.valueType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case LIST -> "a list";
            case OBJECT -> "an object";
            case NULL -> "null";
        };
    }
}
