package dev.svd.control;

import dev.svd.certs.CertificateControl;
import dev.svd.certs.RenewalResult;
import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonObject;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code renew}: {@code {"name":"site","force":false}} runs the certificate's renewal now (its first issuance
 * while svd still serves a placeholder) and answers {@code {"result":{...}}}; a failed run is FAILED with the
 * cause as message and the result in details' place (docs/protocol.md).
 */
final class RenewHandler implements RequestHandler {
    /** certbot's own timeout (5 min) plus the reload and TLS confirmation. */
    private static final Logger log = LoggerFactory.getLogger(RenewHandler.class);
    private static final Duration WAIT = Duration.ofMinutes(6);

    private final CertificateControl certificates;

    RenewHandler(CertificateControl certificates) {
        this.certificates = certificates;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) throws RequestException, InterruptedException {
        String name = args.requireString("name");
        CompletableFuture<RenewalResult> run = certificates.renew(name, args.boolOr("force", false));
        RenewalResult result;
        try {
            result = run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalArgumentException) {
                throw new RequestException(ErrorCode.NO_SUCH_SERVICE, e.getCause().getMessage());
            }
            if (e.getCause() instanceof IllegalStateException) {
                throw new RequestException(ErrorCode.FAILED, "certificate " + name + ": " + e.getCause().getMessage());
            }
            String ref = Connection.ref();
            log.error("control: renewal of certificate {} failed in svd (ref {})", name, ref, e.getCause());
            throw new RequestException(ErrorCode.INTERNAL, "certificate " + name + ": internal error; see svd's log (ref "
                    + ref + ")");
        } catch (TimeoutException e) {
            throw new RequestException(ErrorCode.TIMEOUT, "certificate " + name + ": no result within "
                    + WAIT.toMinutes() + " min; it goes on in svd (see svctl certs)");
        }
        if (!result.ok()) {
            throw new RequestException(ErrorCode.FAILED, "certificate " + name + ": " + result.message());
        }
        return JsonObject.builder().put("result", CertsHandler.result(result)).build();
    }
}
