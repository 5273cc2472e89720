package dev.svd.cli.command;

/** {@code svctl reload NAME... [--timeout DUR]}. */
public final class ReloadCommand extends ActionCommand {
    @Override
    public String name() {
        return "reload";
    }

    @Override
    public String summary() {
        return "reload services and wait until they are reloaded";
    }

    @Override
    public String details() {
        return actionDetails("reloaded (its reload action, e.g. SIGHUP, was carried out)");
    }
}
