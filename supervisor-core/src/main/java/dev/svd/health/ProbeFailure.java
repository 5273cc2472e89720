package dev.svd.health;

import java.util.Locale;

/**
 * Why a probe failed, in a few stable classes: one per row group of docs/health.md's "Diagnoses" table,
 * so that metrics can count failures by cause without free text as a label (docs/metrics.md,
 * {@code svd_probe_failures_total{reason}}). The {@link #label()}s are a contract.
 */
public enum ProbeFailure {
    /** Nothing listens: the connect got ECONNREFUSED. */
    REFUSED,
    /** The connect failed otherwise ("no route to host", "network is unreachable"). */
    CONNECT_ERROR,
    /** The host name did not resolve. */
    DNS,
    /** No result within the probe's {@code timeout}, at any stage (connect, TLS, answer, exec command). */
    TIMEOUT,
    /** TLS failed: handshake, certificate dates, name or issuer, or TLS could not be set up. */
    TLS,
    /** The other end does not speak what the probe expects: plain text to a TLS hello, TLS or nothing to HTTP. */
    PROTOCOL,
    /** An HTTP answer whose status is outside {@code expect}. */
    HTTP_STATUS,
    /** An HTTP answer without the {@code body-contains} text. */
    HTTP_BODY,
    /** An exec probe's command exited non-zero or was killed by a signal. */
    EXIT_STATUS,
    /** An exec probe's command could not be started. */
    CANNOT_RUN,
    /** svd itself failed to run the probe (a bug, logged with its stack). */
    PROBE_ERROR;

    /** The label value: the name in lower case ({@code refused}, {@code http_status}, ...). */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
