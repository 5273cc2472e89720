package dev.svd.control;

import dev.svd.certs.CertificateControl;
import dev.svd.certs.CertificateFile;
import dev.svd.certs.CertificateStatus;
import dev.svd.certs.RenewalResult;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonNull;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonValue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** {@code certs}: each configured certificate, what is served, the last run and the next attempt (docs/protocol.md). */
final class CertsHandler implements RequestHandler {
    private final CertificateControl certificates;
    private final Clock clock;

    CertsHandler(CertificateControl certificates, Clock clock) {
        this.certificates = certificates;
        this.clock = clock;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) {
        List<JsonValue> list = new ArrayList<>();
        for (CertificateStatus s : certificates.certificates()) {
            list.add(status(s));
        }
        return JsonObject.builder().put("certificates", new JsonArray(list)).put("now", clock.instant().toString()).build();
    }

    static JsonObject status(CertificateStatus s) {
        JsonObject.Builder b = JsonObject.builder().put("name", s.name()).putStrings("domains", s.domains())
                .put("placeholder", s.placeholder()).put("warning", s.warning()).put("days_left", s.daysLeft())
                .put("message", s.message()).put("source", s.source().wireName());
        if (s.current().isPresent()) {
            CertificateFile c = s.current().get();
            b.putStrings("subject_names", c.subjectNames()).put("subject", c.subject()).put("issuer", c.issuer()).put("serial", c.serial())
                    .put("not_after", c.notAfter().toString()).put("sha256", c.sha256());
        } else {
            b.put("subject_names", new JsonArray(List.of())).put("subject", JsonNull.NULL).put("issuer", JsonNull.NULL)
                    .put("serial", JsonNull.NULL).put("not_after", JsonNull.NULL).put("sha256", JsonNull.NULL);
        }
        b.put("last_result", s.lastResult().<JsonValue>map(CertsHandler::result).orElse(JsonNull.NULL));
        b.put("next_attempt", s.nextAttempt().map(t -> (JsonValue) JsonValue.of(t.toString())).orElse(JsonNull.NULL));
        return b.build();
    }

    static JsonObject result(RenewalResult r) {
        return JsonObject.builder().put("name", r.name()).put("outcome", r.outcome().wireName()).put("ok", r.ok())
                .put("message", r.message()).put("serial", r.serial()).put("at", r.at().toString())
                .put("took_ms", r.took().toMillis()).build();
    }
}
