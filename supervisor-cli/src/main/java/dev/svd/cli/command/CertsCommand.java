package dev.svd.cli.command;

import dev.svd.cli.Args;
import dev.svd.cli.ExitCodes;
import dev.svd.cli.Invocation;
import dev.svd.cli.UsageException;
import dev.svd.cli.client.UnreachableException;
import dev.svd.cli.render.Table;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonString;
import dev.svd.protocol.JsonValue;
import dev.svd.protocol.Response;
import java.io.IOException;
import java.util.List;

/**
 * {@code svctl certs [--json]}: the certificates svd keeps; {@code svctl certs renew NAME [--force]}: renew one now.
 */
public final class CertsCommand implements Command {
    @Override
    public String name() {
        return "certs";
    }

    @Override
    public String synopsis() {
        return "certs [--json] | certs renew NAME [--force]";
    }

    @Override
    public String summary() {
        return "list certificates, or renew one now";
    }

    @Override
    public String details() {
        return """
                Lists each certificate: name, serial, issuer, not-after, days left, and its state
                ("waiting for certificate: ...", "valid for 89 days", the last failure and next attempt).
                Exit code 3 when one is a placeholder, expired, or below warn-days.
                  --json   print the daemon's answer: {"certificates":[{"name","domains","placeholder","warning",
                           "days_left","message","source","subject_names","subject","issuer","serial","not_after",
                           "sha256","last_result","next_attempt"}]}
                renew NAME runs certbot renew now (the first issuance while svd serves its placeholder);
                  --force  renew even when not due (certbot --force-renewal)
                It prints the result, and fails (exit 1) with the cause when the run failed.
                """;
    }

    @Override
    public String[] flags() {
        return new String[] {"--json", "--force"};
    }

    @Override
    public int run(Args args, Invocation inv) throws UsageException, UnreachableException, IOException {
        List<String> positionals = args.positionals();
        if (!positionals.isEmpty() && positionals.get(0).equals("renew")) {
            if (positionals.size() != 2) {
                throw new UsageException("svctl certs renew: name one certificate");
            }
            Response r = inv.call("renew", JsonObject.builder().put("name", positionals.get(1))
                    .put("force", args.flag("--force")).build());
            if (!r.ok() && r.error().code() == ErrorCode.NO_SUCH_SERVICE) {
                inv.diagnostic(r.error().message());
                inv.diagnostic("hint: svctl certs lists the configured certificates");
                return ExitCodes.UNKNOWN_SERVICE;
            }
            if (!r.ok()) {
                return inv.fail(r.error());
            }
            JsonObject result = r.result().object("result");
            inv.out().println(result.string("name") + ": " + result.string("outcome") + ": " + result.string("message"));
            return ExitCodes.OK;
        }
        args.expectPositionals(0, "no arguments, or renew NAME", name());
        Response r = inv.call(name(), JsonObject.EMPTY);
        if (!r.ok()) {
            return inv.fail(r.error());
        }
        JsonArray certs = r.result().array("certificates");
        List<JsonValue> list = certs == null ? List.of() : certs.items();
        if (args.flag("--json")) {
            inv.out().println(r.result().toJson());
        } else if (list.isEmpty()) {
            inv.out().println("no certificates configured");
        } else {
            inv.out().print(table(list));
        }
        return list.stream().anyMatch(v -> ((JsonObject) v).boolOr("warning", false)) ? ExitCodes.NOT_RUNNING : ExitCodes.OK;
    }

    /**
     * One row per certificate: the names it covers, its issuer, serial and expiry, DAYS ("-" while
     * svd serves its placeholder), the last renewal's outcome and time, and the state in words.
     */
    static String table(List<JsonValue> certificates) {
        Table t = new Table("NAME", "NAMES", "ISSUER", "SERIAL", "NOT-AFTER", "DAYS", "LAST-RENEWAL", "STATE");
        for (JsonValue v : certificates) {
            JsonObject c = (JsonObject) v;
            t.row(c.string("name"), names(c), orDash(c.string("issuer")), orDash(c.string("serial")),
                    orDash(c.string("not_after")), c.boolOr("placeholder", true) ? "-" : Long.toString(c.longOr("days_left", 0)),
                    lastRenewal(c.get("last_result")), c.string("message"));
        }
        return t.render();
    }

    private static String names(JsonObject c) {
        JsonValue names = c.get("subject_names");
        if (!(names instanceof JsonArray a) || a.items().isEmpty()) {
            return "-";
        }
        return String.join(",", a.items().stream().map(n -> ((JsonString) n).value()).toList());
    }

    /** "renewed 2026-11-25T03:12Z", "failed 2026-11-25T03:12Z", or "-" before the first run. */
    private static String lastRenewal(JsonValue last) {
        if (!(last instanceof JsonObject r)) {
            return "-";
        }
        String at = r.string("at");
        if (at != null && at.length() > 16) {
            at = at.substring(0, 16) + "Z";
        }
        return r.string("outcome") + " " + orDash(at);
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
