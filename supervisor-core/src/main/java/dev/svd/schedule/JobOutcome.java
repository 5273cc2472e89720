package dev.svd.schedule;

/**
 * How a run of a job ended, as its task reports it: success or not, and the result in a few words
 * ("exited 0", "timed out after 10m", "certbot could not reach the ACME server"). Immutable.
 */
public record JobOutcome(boolean ok, String result) {
    public static JobOutcome success(String result) {
        return new JobOutcome(true, result);
    }

    public static JobOutcome failure(String result) {
        return new JobOutcome(false, result);
    }
}
