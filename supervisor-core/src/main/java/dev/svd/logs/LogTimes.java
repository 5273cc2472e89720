package dev.svd.logs;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time arguments of {@code svctl logs --since/--until} (docs/svctl.md, "logs"): a duration ago
 * ({@code 10m}, {@code 1h30m}, {@code 2d}), {@code now}, {@code today}, {@code yesterday} (midnight in
 * svd's time zone), or a date and time in ISO-8601/RFC 3339 with or without a zone
 * ({@code 2026-12-07T18:56:04Z}, {@code 2026-12-07 18:56}, {@code 2026-12-07}, {@code 18:56}), read in
 * svd's time zone when it has none, as journalctl reads them. Pure: the caller passes now and the zone.
 */
public final class LogTimes {
    private static final Pattern RELATIVE = Pattern.compile("(?:(\\d{1,9})(ms|s|m|h|d|w))+");
    private static final Pattern PART = Pattern.compile("(\\d{1,9})(ms|s|m|h|d|w)");

    private LogTimes() {
    }

    /**
     * The instant {@code text} names.
     *
     * @throws IllegalArgumentException with a message that shows the accepted forms
     */
    public static Instant parse(String text, Instant now, ZoneId zone) {
        String t = text.strip();
        switch (t) {
            case "now":
                return now;
            case "today":
                return LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
            case "yesterday":
                return LocalDate.ofInstant(now, zone).minusDays(1).atStartOfDay(zone).toInstant();
            default:
                break;
        }
        if (RELATIVE.matcher(t).matches()) {
            Duration ago = Duration.ZERO;
            Matcher m = PART.matcher(t);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                ago = ago.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    case "d" -> Duration.ofDays(n);
                    default -> Duration.ofDays(7 * n);
                });
            }
            return now.minus(ago);
        }
        String iso = t.length() > 10 && t.charAt(10) == ' ' ? t.substring(0, 10) + "T" + t.substring(11) : t;
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            // not with a zone: try the forms without one
        }
        try {
            return LocalDateTime.parse(iso).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            // not a local date and time
        }
        try {
            return LocalDate.parse(iso).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            // not a date
        }
        try {
            return LocalTime.parse(iso).atDate(LocalDate.ofInstant(now, zone)).atZone(zone).toInstant();
        } catch (DateTimeParseException e) {
            // not a time of day
        }
        throw new IllegalArgumentException("expected a time such as 10m, 2h, 1d (ago), today, yesterday, "
                + "2026-12-07T18:56:04Z or 2026-12-07 18:56 (svd's time zone, " + zone.getId() + ") (was \"" + text + "\")");
    }
}
