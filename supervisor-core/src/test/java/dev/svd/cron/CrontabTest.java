package dev.svd.cron;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Crontab syntax to Quartz, and in words; the reasons operators see for what svd refuses. */
class CrontabTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0 3,15 * * *    | 0 0 3,15 * * ? *  | at 3 and 15 hours
            */10 * * * *    | 0 */10 * * * ? *  | every 10 minutes
            */5 * * * 1-5   | 0 */5 * ? * 2-6 * | every 5 minutes every day between Monday and Friday
            30 2 * * 0      | 0 30 2 ? * 1 *    | at 02:30 at Sunday day
            30 2 * * 7      | 0 30 2 ? * 1 *    | at 02:30 at Sunday day
            0 0 1,15 * *    | 0 0 0 1,15 * ? *  | at 00:00 at 1 and 15 days
            @hourly         | 0 0 * * * ? *     | every hour
            @daily          | 0 0 0 * * ? *     | at 00:00
            @midnight       | 0 0 0 * * ? *     | at 00:00
            @weekly         | 0 0 0 ? * 1 *     | at 00:00 at Sunday day
            @monthly        | 0 0 0 1 * ? *     | at 00:00 at 1 day
            @yearly         | 0 0 0 1 1 ? *     | at 00:00 at 1 day at January month
            """)
    void translatesToQuartzAndDescribes(String text, String quartz, String description) {
        Crontab c = Crontab.parse(text);
        assertThat(c.quartz()).isEqualTo(quartz);
        assertThat(c.description()).isEqualTo(description);
        assertThat(c.text()).isEqualTo(text);
        assertThat(org.quartz.CronExpression.isValidExpression(c.quartz())).isTrue();
    }

    /**
     * Parsing does not describe: the config reader and the scheduler parse every crontab, and the
     * description (cron-utils' CronDescriptor, with its locale data) is only for svctl jobs.
     */
    @Test
    void theDescriptionIsMadeWhenFirstAskedFor() throws Exception {
        Crontab c = Crontab.parse("0 3,15 * * *");
        java.lang.reflect.Field made = Crontab.class.getDeclaredField("description");
        made.setAccessible(true);
        assertThat(made.get(c)).as("described when parsed").isNull();

        String first = c.description();
        assertThat(first).isEqualTo("at 3 and 15 hours");
        assertThat(c.description()).as("described once").isSameAs(first);
    }

    @Test
    void rebootIsRefusedWithTheAlternative() {
        assertThatThrownBy(() -> Crontab.parse("@reboot")).hasMessage("@reboot is not supported: a job runs on a"
                + " schedule (for something to run once at start, use a service with restart = never)");
    }

    @Test
    void unknownNicknameListsTheKnownOnes() {
        assertThatThrownBy(() -> Crontab.parse("@often")).hasMessage("unknown nickname @often (expected one of"
                + " @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually)");
    }

    @Test
    void wrongFieldCountNamesTheFields() {
        assertThatThrownBy(() -> Crontab.parse("* * *")).hasMessage(
                "it has 3 fields, crontab has 5 (minute hour day-of-month month day-of-week)");
    }

    @Test
    void valueOutOfRangeNamesTheRange() {
        assertThatThrownBy(() -> Crontab.parse("0 61 * * *")).hasMessage("Value 61 not in range [0, 23]");
    }

    @Test
    void quartzOnlySyntaxIsRefused() {
        assertThatThrownBy(() -> Crontab.parse("0 0 L * *")).hasMessage("Invalid chars in expression!");
    }

    @Test
    void bothDayFieldsAreRefusedBecauseQuartzCannotSayOr() {
        assertThatThrownBy(() -> Crontab.parse("0 0 1 * 1")).hasMessageStartingWith(
                "day of month and day of week are both restricted: crontab runs on either day");
    }
}
