package dev.svd.config;

import com.typesafe.config.ConfigOrigin;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns Typesafe Config's origins into ours, so nothing outside this package sees Typesafe types. */
final class Origins {
    /**
     * An object defined in several files (a service in an included file, extended in the main one)
     * has a merged origin described as {@code merge of /etc/svd/svd.conf: 3,/etc/svd/web.conf: 1},
     * the overriding definition first (SimpleConfigOrigin.mergeTwo). We want the first definition.
     */
    private static final Pattern MERGED = Pattern.compile("merge of .*,(.+?): ([0-9]+)(?:-[0-9]+)?");

    private Origins() {
    }

    static Origin of(ConfigOrigin origin) {
        if (origin == null) {
            return Origin.UNKNOWN;
        }
        String description = origin.description();
        // Only a merged origin is matched: matching every origin made ~23 KB of garbage per service,
        // a tenth of all svd allocated to start 2,000 services (docs/benchmarks.md, "Scale").
        if (description.startsWith("merge of ")) {
            Matcher merged = MERGED.matcher(description);
            if (merged.matches()) {
                return new Origin(merged.group(1), Integer.parseInt(merged.group(2)));
            }
        }
        String file = origin.filename() != null ? origin.filename()
                : origin.url() != null ? origin.url().toString() : description;
        return new Origin(file, Math.max(origin.lineNumber(), 0));
    }
}
