package dev.svd.control;

import dev.svd.protocol.ErrorCode;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.schedule.JobControl;
import dev.svd.schedule.JobRefusedException;
import dev.svd.schedule.JobRunResult;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run}: runs a job now and answers its result when it ends (the job's own timeout bounds the
 * wait). A run that failed is still an answer, with {@code "ok":false}; refusals are NO_SUCH_SERVICE
 * (no such job) and BUSY (it is running). The members are a contract (docs/protocol.md).
 */
final class RunHandler implements RequestHandler {
    private static final Logger log = LoggerFactory.getLogger(RunHandler.class);

    private final JobControl control;

    RunHandler(JobControl control) {
        this.control = control;
    }

    @Override
    public JsonObject handle(JsonObject args, Exchange exchange) throws RequestException, InterruptedException {
        String name = args.requireString("name");
        JobRunResult r;
        try {
            r = control.runNow(name).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof JobRefusedException refused) {
                throw new RequestException(refused.reason() == JobRefusedException.Reason.BUSY ? ErrorCode.BUSY
                        : ErrorCode.NO_SUCH_SERVICE, refused.getMessage());
            }
            String ref = Connection.ref();
            log.error("control: run of job {} failed (ref {})", name, ref, e.getCause());
            throw new RequestException(ErrorCode.INTERNAL, "run " + name + ": internal error; see svd's log (ref " + ref + ")");
        }
        return JsonObject.builder()
                .put("job", r.job())
                .put("trigger", r.trigger())
                .put("ok", r.ok())
                .put("result", r.result())
                .put("started", JobsHandler.time(ZonedDateTime.ofInstant(r.started(), ZoneId.systemDefault())))
                .put("took_ms", r.took().toMillis())
                .put("output", JsonArray.ofStrings(r.tail()))
                .build();
    }
}
