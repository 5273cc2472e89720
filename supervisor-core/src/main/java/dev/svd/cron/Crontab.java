package dev.svd.cron;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.mapper.CronMapper;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;
import java.util.Locale;
import java.util.Map;

/**
 * A schedule in crontab syntax (crontab(5): five fields, or a nickname such as {@code @daily}),
 * parsed by cron-utils and translated to a Quartz cron expression, with a description in words.
 * The only user of cron-utils; pure (no clock, no threads), so the config package validates with it.
 * Immutable; any thread.
 */
public final class Crontab {
    /**
     * crontab(5)'s nicknames, as Vixie cron defines them. cron-utils' UNIX definition has none.
     * {@code @reboot} is refused: svd has no "at boot"; a service with {@code restart = never} is that.
     */
    private static final Map<String, String> NICKNAMES = Map.of(
            "@hourly", "0 * * * *",
            "@daily", "0 0 * * *",
            "@midnight", "0 0 * * *",
            "@weekly", "0 0 * * 0",
            "@monthly", "0 0 1 * *",
            "@yearly", "0 0 1 1 *",
            "@annually", "0 0 1 1 *");

    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String text;
    private final String quartz;
    private final Cron cron;
    /** Made on the first {@link #description()}: see there. */
    private volatile String description;

    private Crontab(String text, String quartz, Cron cron) {
        this.text = text;
        this.quartz = quartz;
        this.cron = cron;
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException with an operator-readable reason, without the text itself
     */
    public static Crontab parse(String text) {
        String trimmed = text.trim();
        if (trimmed.equals("@reboot")) {
            throw new IllegalArgumentException("@reboot is not supported: a job runs on a schedule (for something to"
                    + " run once at start, use a service with restart = never)");
        }
        String fields = trimmed.startsWith("@") ? NICKNAMES.get(trimmed) : trimmed;
        if (fields == null) {
            throw new IllegalArgumentException("unknown nickname " + trimmed + " (expected one of @hourly, @daily,"
                    + " @midnight, @weekly, @monthly, @yearly, @annually)");
        }
        Cron cron;
        try {
            cron = PARSER.parse(fields).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(reason(e.getMessage()));
        }
        String quartz;
        try {
            quartz = CronMapper.fromUnixToQuartz().map(cron).asString();
        } catch (IllegalArgumentException e) {
            // crontab(5) runs when either day field matches; Quartz cannot say "or" between them.
            throw new IllegalArgumentException("day of month and day of week are both restricted: crontab runs on"
                    + " either day, which Quartz cannot express; use two jobs, or * in one of the fields");
        }
        return new Crontab(trimmed, quartz, cron);
    }

    /** cron-utils' messages, minus the parts that repeat what the operator wrote. */
    private static String reason(String message) {
        String m = message == null ? "invalid" : message;
        m = m.replace("Failed to parse cron expression. ", "")
                .replace("Cron expression contains", "it has")
                .replace("parts but we expect one of [5]", "fields, crontab has 5 (minute hour day-of-month month day-of-week)");
        int expression = m.indexOf(" Expression: ");
        return expression > 0 ? m.substring(0, expression) : m;
    }

    /** As written, trimmed: {@code 0 3,15 * * *} or {@code @daily}. */
    public String text() {
        return text;
    }

    /** The Quartz cron expression (seconds first, {@code ?} in one day field, year last). */
    public String quartz() {
        return quartz;
    }

    /**
     * In words, such as "at 3 and 15 hours" (cron-utils' CronDescriptor, English). Described on the first
     * call, not when parsed: the descriptor loads ~140 classes and locale data, ~0.5 MB of RSS in an svd
     * whose jobs nobody lists (docs/benchmarks.md, "Probes at idle, session 7"). Two threads that ask at
     * once may both describe it, to the same text.
     */
    public String description() {
        String d = description;
        if (d == null) {
            d = CronDescriptor.instance(Locale.UK).describe(cron);
            description = d;
        }
        return d;
    }

    @Override
    public String toString() {
        return text;
    }
}
