package dev.svd.cli;

/** Entry point of {@code svctl}, the command-line client of svd's control socket. */
public final class Svctl {
    private Svctl() {}

    public static void main(String[] args) {
        System.err.println("svctl: not implemented yet");
        System.exit(2);
    }
}
