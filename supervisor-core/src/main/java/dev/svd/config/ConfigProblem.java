package dev.svd.config;

/**
 * One problem in a config: where, which key, and what is wrong. Its {@link #toString()} is the
 * line operators see ({@code /etc/svd/svd.conf:14: services.nginx.stop.timeout: expected ...}).
 */
public record ConfigProblem(Origin origin, String key, String message) {
    @Override
    public String toString() {
        return origin + ": " + (key.isEmpty() ? "" : key + ": ") + message;
    }
}
