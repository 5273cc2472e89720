package dev.svd.health;

import dev.svd.config.ProbeCheck;
import dev.svd.config.ProbeCheck.HostPort;
import dev.svd.config.ProbeCheck.StatusRange;
import dev.svd.text.Durations;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The words of every probe result: what happened ("503 in 2ms") and its likely cause, in the
 * operator's terms, with a hint at the config key that fixes it. Pure. The texts are what
 * {@code svctl status} shows and what restart reasons quote: change them on purpose (docs/health.md).
 */
final class Diagnosis {
    /** How far a connection got before it failed or timed out. */
    enum Stage { RESOLVING, CONNECTING, HANDSHAKING, WAITING }

    private Diagnosis() {
    }

    static Verdict refused(HostPort address) {
        return Verdict.fail(ProbeFailure.REFUSED, "connection refused",
                "nothing listens on " + address + ": is the service bound to that address?");
    }

    /** A connect that failed otherwise ("No route to host", "Network is unreachable"). */
    static Verdict connectFailed(HostPort address, String error) {
        String e = error == null ? "connect failed" : error.toLowerCase(Locale.ROOT);
        return Verdict.fail(ProbeFailure.CONNECT_ERROR, e, "cannot connect to " + address + " (" + e + "): is the host up and the address right?");
    }

    static Verdict unresolved(String host) {
        return Verdict.fail(ProbeFailure.DNS, "unknown host", "cannot resolve " + host + ": check the host name (an http probe"
                + " can connect to a fixed address with connect-to = \"127.0.0.1:8443\")");
    }

    static Verdict timeout(Stage stage, String target, HostPort address, Duration timeout) {
        String t = Durations.human(timeout);
        String why = switch (stage) {
            case RESOLVING -> "could not resolve the address of " + target + " within " + t + ": is DNS answering?";
            case CONNECTING -> "no answer from " + address + " within " + t
                    + " while connecting: the host is down, or a firewall drops the packets";
            case HANDSHAKING -> "no answer from " + address + " within " + t
                    + " during the TLS handshake: is that port serving TLS, and is the service stuck?";
            case WAITING -> "no answer from " + target + " within " + t + " (connected to " + address
                    + ", request sent): the service is stuck or overloaded";
        };
        return Verdict.fail(ProbeFailure.TIMEOUT, "timeout after " + t, why);
    }

    /** {@code what} went wrong with the answer, such as "the connection was closed without an answer". */
    static Verdict closedEarly(HostPort address, String what, boolean tls) {
        return Verdict.fail(ProbeFailure.PROTOCOL, "no HTTP answer", "from " + address + ", " + what + (tls ? ": is it serving TLS on that port?"
                : ": is it serving plain HTTP on that port (https:// for TLS)?"));
    }

    /** A plain-text answer to a TLS client hello. */
    static Verdict notTls(HostPort address) {
        return Verdict.fail(ProbeFailure.PROTOCOL, "not TLS", address + " answered in plain text, not TLS: use http:// or the TLS port");
    }

    static Verdict tls(HostPort address, String problem) {
        return Verdict.fail(ProbeFailure.TLS, "TLS failed", problem);
    }

    static Verdict tlsHandshake(HostPort address, String error) {
        return Verdict.fail(ProbeFailure.TLS, "TLS failed", "the TLS handshake with " + address + " failed: " + error);
    }

    /**
     * The verdict on an HTTP answer: the status against {@code expect}, then {@code body-contains}.
     * {@code hostHeader} is the Host header sent, named when Django refuses it.
     */
    static Verdict reply(ProbeKind kind, ProbeCheck.Http check, String hostHeader, HttpReply reply, Duration latency) {
        int status = reply.status();
        String summary = status + " in " + Durations.human(latency);
        OptionalInt code = OptionalInt.of(status);
        if (!expected(check, status)) {
            String expected = check.expect().stream().map(StatusRange::toString).collect(Collectors.joining(", "));
            return new Verdict(false, summary, statusProblem(kind, hostHeader, reply, expected), code,
                    Optional.of(ProbeFailure.HTTP_STATUS));
        }
        if (check.bodyContains().isPresent() && !reply.body().contains(check.bodyContains().get())) {
            return new Verdict(false, summary, "returns " + status + " but the body does not contain \""
                    + check.bodyContains().get() + "\" (it starts with " + start(reply.body()) + ")", code,
                    Optional.of(ProbeFailure.HTTP_BODY));
        }
        return new Verdict(true, summary, "", code, Optional.empty());
    }

    /** A plain loop, not a stream: it runs on every probe, interpreted in an idle svd (docs/benchmarks.md). */
    private static boolean expected(ProbeCheck.Http check, int status) {
        for (StatusRange r : check.expect()) {
            if (r.contains(status)) {
                return true;
            }
        }
        return false;
    }

    private static String statusProblem(ProbeKind kind, String hostHeader, HttpReply reply, String expected) {
        int status = reply.status();
        String body = reply.body();
        String host = kind.key() + ".http.host";
        if (status == 400 && (body.contains("DisallowedHost") || body.contains("Invalid HTTP_HOST header"))) {
            return "returns 400: the Host header " + hostHeader + " is not in Django's ALLOWED_HOSTS; set " + host
                    + " to a name that is";
        }
        if (status == 400 && body.contains("<h1>Bad Request (400)</h1>")) {
            // Django's own 400 page (DEBUG off) says nothing more; to a probe's plain GET it is almost
            // always DisallowedHost (django/core/handlers/exception.py, response_for_exception).
            return "returns 400 with Django's Bad Request page: the Host header " + hostHeader
                    + " is probably not in ALLOWED_HOSTS; set " + host + " to a name that is";
        }
        if (status == 400 && body.contains("The plain HTTP request was sent to HTTPS port")) {
            return "returns 400: nginx got plain HTTP on its HTTPS port; use https:// in " + kind.key() + ".http.url";
        }
        return switch (status) {
            case 421 -> "returns 421 Misdirected Request: the TLS name (SNI) and the Host header " + hostHeader
                    + " lead to different servers; set " + kind.key() + ".http.tls.sni to the Host's name";
            case 502 -> "returns 502: the upstream is not answering (a proxy in front of a service that is down)";
            case 503 -> "returns 503: the service or its upstream is unavailable (starting, overloaded or down)";
            case 504 -> "returns 504: the upstream did not answer the proxy in time";
            default -> {
                String location = reply.headers().get("location");
                yield "returns " + status + ", expected " + expected
                        + (location != null && status >= 300 && status < 400 ? " (redirect to " + location + ")" : "");
            }
        };
    }

    private static String start(String body) {
        String oneLine = body.strip().replaceAll("\\s+", " ");
        return oneLine.isEmpty() ? "nothing: the body is empty"
                : "\"" + (oneLine.length() > 60 ? oneLine.substring(0, 60) + "..." : oneLine) + "\"";
    }

    /** The verdict on an exec probe's command. */
    static Verdict exec(boolean ok, boolean timedOut, String status, String spawnError, String output, Duration took,
                        Duration timeout) {
        if (spawnError != null) {
            return Verdict.fail(ProbeFailure.CANNOT_RUN, "cannot run", "the probe command cannot be run: " + spawnError);
        }
        if (timedOut) {
            return Verdict.fail(ProbeFailure.TIMEOUT, "timeout after " + Durations.human(timeout), "the probe command did not finish within "
                    + Durations.human(timeout) + " and was killed");
        }
        String summary = status + " in " + Durations.human(took);
        if (ok) {
            return Verdict.pass(summary);
        }
        String last = lastLine(output);
        return Verdict.fail(ProbeFailure.EXIT_STATUS, summary, "the probe command " + status + (last.isEmpty() ? "" : ": " + last));
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return last.length() > 200 ? last.substring(0, 200) + "..." : last;
    }
}
