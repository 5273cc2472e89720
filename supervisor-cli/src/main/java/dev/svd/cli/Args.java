package dev.svd.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-rolled command line parser (picocli costs ~100 ms of startup, docs/decisions/0004 §4).
 * Knows options that take a value ({@code -n 5}, {@code -n5}, {@code --timeout 10s},
 * {@code --timeout=10s}) and flags ({@code -f}, {@code --json}); {@code --} ends the options;
 * anything else is a positional. Single-threaded.
 */
public final class Args {
    private final List<String> positionals = new ArrayList<>();
    private final Map<String, String> values = new HashMap<>();

    private Args() {}

    /**
     * @param valueOptions options that take a value, e.g. {@code {"-n", "--timeout"}}
     * @param flags        options without a value, e.g. {@code {"-f", "--json"}}
     * @param command      the command's name, for messages
     */
    public static Args parse(List<String> tokens, String[] valueOptions, String[] flags, String command)
            throws UsageException {
        Args a = new Args();
        boolean optionsDone = false;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (optionsDone || t.length() < 2 || t.charAt(0) != '-') {
                a.positionals.add(t);
                continue;
            }
            if (t.equals("--")) {
                optionsDone = true;
                continue;
            }
            String name = t;
            String value = null;
            int eq = t.indexOf('=');
            if (t.startsWith("--") && eq > 0) {
                name = t.substring(0, eq);
                value = t.substring(eq + 1);
            } else if (!t.startsWith("--") && t.length() > 2 && contains(valueOptions, t.substring(0, 2))) {
                name = t.substring(0, 2);
                value = t.substring(2);
            }
            if (contains(flags, name)) {
                if (value != null) {
                    throw new UsageException(command + ": option " + name + " takes no value");
                }
                a.values.put(name, "");
            } else if (contains(valueOptions, name)) {
                if (value == null) {
                    if (i + 1 >= tokens.size()) {
                        throw new UsageException(command + ": option " + name + " needs a value");
                    }
                    value = tokens.get(++i);
                }
                a.values.put(name, value);
            } else {
                throw new UsageException(command + ": unknown option " + name);
            }
        }
        return a;
    }

    private static boolean contains(String[] names, String name) {
        for (String n : names) {
            if (n.equals(name)) {
                return true;
            }
        }
        return false;
    }

    public List<String> positionals() {
        return positionals;
    }

    public boolean flag(String name) {
        return values.containsKey(name);
    }

    /** The option's value, or null when it was not given. */
    public String value(String name) {
        return values.get(name);
    }

    /** A non-negative integer option. */
    public int intValue(String name, int otherwise, int max, String command) throws UsageException {
        String v = values.get(name);
        if (v == null) {
            return otherwise;
        }
        int n = 0;
        if (v.isEmpty() || v.length() > 9) {
            throw new UsageException(command + ": " + name + " expects a number from 0 to " + max + " (was \"" + v + "\")");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                throw new UsageException(command + ": " + name + " expects a number from 0 to " + max + " (was \"" + v + "\")");
            }
            n = n * 10 + (c - '0');
        }
        if (n > max) {
            throw new UsageException(command + ": " + name + " expects a number from 0 to " + max + " (was " + n + ")");
        }
        return n;
    }

    /** Exactly {@code count} positionals, named in {@code what} for the message. */
    public void expectPositionals(int count, String what, String command) throws UsageException {
        if (positionals.size() != count) {
            throw new UsageException(command + ": expected " + what + " (got " + positionals.size() + " argument"
                    + (positionals.size() == 1 ? "" : "s") + ")");
        }
    }
}
