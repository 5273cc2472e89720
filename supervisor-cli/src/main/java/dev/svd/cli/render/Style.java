package dev.svd.cli.render;

/**
 * ANSI colour, only when stdout is a terminal and {@code NO_COLOR} is unset or empty
 * (https://no-color.org). Immutable.
 */
public final class Style {
    private final boolean colour;

    public Style(boolean colour) {
        this.colour = colour;
    }

    /** The decision for this process: a console and no NO_COLOR. */
    public static Style detect(String noColorEnv, boolean terminal) {
        return new Style(terminal && (noColorEnv == null || noColorEnv.isEmpty()));
    }

    public boolean enabled() {
        return colour;
    }

    /** A state name coloured by how an operator should feel about it. */
    public String state(String state) {
        if (!colour || state == null) {
            return state;
        }
        switch (state) {
            case "running": return "\u001b[32m" + state + "\u001b[0m";
            case "failed": return "\u001b[31m" + state + "\u001b[0m";
            case "backoff": case "exited": case "starting": case "stopping": return "\u001b[33m" + state + "\u001b[0m";
            default: return state;
        }
    }

    public String bold(String text) {
        return colour ? "\u001b[1m" + text + "\u001b[0m" : text;
    }

    /** Visible width of a cell, ignoring colour codes. */
    public static int width(String s) {
        int w = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\u001b') {
                while (i < s.length() && s.charAt(i) != 'm') {
                    i++;
                }
            } else {
                w++;
            }
        }
        return w;
    }
}
