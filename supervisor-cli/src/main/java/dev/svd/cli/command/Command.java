package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import java.io.IOException;

/** One svctl subcommand: its help, its options, and what it does. Single-threaded. */
public interface Command {
    String[] NONE = {};

    String name();

    /** The usage line after {@code svctl}, e.g. {@code status [NAME...] [--json]}. */
    String synopsis();

    /** One line for {@code svctl help}. */
    String summary();

    /** The rest of {@code svctl help NAME}: options, output, exit codes. */
    String details();

    default String[] valueOptions() {
        return NONE;
    }

    default String[] flags() {
        return NONE;
    }

    /** @return the exit code (see {@link dev.svd.cli.ExitCodes}) */
    int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException;
}
