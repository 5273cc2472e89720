package dev.svd.config;

/** What {@code svctl reload NAME} does: send {@code signal} to the service's main process. */
public record ReloadSpec(Signal signal) {
    public static final ReloadSpec DEFAULT = new ReloadSpec(Signal.HUP);
}
