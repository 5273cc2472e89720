package dev.svd.schedule;

import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * A job's schedule as a Quartz cron expression in svd's time zone: the times its trigger fires.
 * Part of the Quartz adapter. Immutable; any thread: Quartz's {@link CronExpression} is a mutable
 * object, so each use builds its own from the text (microseconds; used at registration, at start
 * and by {@code svctl jobs}).
 */
record CronSchedule(String expression, ZoneId zone) {
    /** @throws IllegalArgumentException when {@code expression} is not a valid Quartz cron expression */
    CronSchedule {
        try {
            new CronExpression(expression);
        } catch (ParseException e) {
            throw new IllegalArgumentException("invalid Quartz cron expression " + expression + ": " + e.getMessage(), e);
        }
    }

    /** The first scheduled time strictly after {@code after}; empty when there is none (a past year). */
    Optional<Instant> nextAfter(Instant after) {
        Date next = quartz().getNextValidTimeAfter(Date.from(after));
        return Optional.ofNullable(next).map(Date::toInstant);
    }

    /** A new Quartz expression for a trigger. */
    CronExpression quartz() {
        try {
            CronExpression cron = new CronExpression(expression);
            cron.setTimeZone(TimeZone.getTimeZone(zone));
            return cron;
        } catch (ParseException e) {
            throw new IllegalStateException("checked when constructed: " + expression, e);
        }
    }
}
