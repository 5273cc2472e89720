package dev.svd.schedule;

import dev.svd.os.OutputKind;
import dev.svd.os.OutputListener;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;

/**
 * One run of a job, as its {@link JobTask} sees it: which job, when it started, how long it may take,
 * where its output goes ({@code log-dir/job-NAME.log} and the in-memory tail of the run's result), and
 * svd's job thread ({@code executor}: short, non-blocking steps and every spawn; see {@link JobTask}).
 * {@link #output()} may be called from any thread.
 */
public record JobRun(String job, Instant started, Duration timeout, OutputListener output, Executor executor) {
    /** Writes one line of text to the job's output, as a Java task's equivalent of printing. */
    public void print(String line) {
        output.output(OutputKind.STDOUT, ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
    }
}
