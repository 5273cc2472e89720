package dev.svd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatusTableTest {
    @Test
    void columnsAreAsWideAsTheirWidestCellPlusTwoSpacesAndTheLastIsNotPadded() {
        StatusTable t = new StatusTable();
        t.add("web", "running", 4242, 192, 2, "healthy", "exited 1");
        t.add("database", "failed", 0, -1, 0, "unknown", "killed by SIGKILL");
        t.add("cron", "backoff", -1, 5, 12, null, null);

        assertThat(t.render()).isEqualTo(
                "NAME      STATE    PID   UPTIME  RESTARTS  HEALTH   LAST-EXIT\n"
                + "web       running  4242  3m12s   2         healthy  exited 1\n"
                + "database  failed   -     -       0         unknown  killed by SIGKILL\n"
                + "cron      backoff  -     5s      12        -        -\n");
    }

    @Test
    void noServicesIsTheHeaderAlone() {
        assertThat(new StatusTable().render()).isEqualTo("NAME  STATE  PID  UPTIME  RESTARTS  HEALTH  LAST-EXIT\n");
    }

    @Test
    void theStateColumnIsWhereTheHeaderSaysEvenWithLongNames() {
        StatusTable t = new StatusTable();
        t.add("a-rather-long-name", "stopped", 0, -1, 0, "unknown", null);
        String table = t.render();
        int column = StatusTable.stateColumn(table);

        assertThat(table.substring(table.indexOf('\n') + 1 + column)).startsWith("stopped ");
        assertThat(StatusTable.stateColumn("no header here")).isEqualTo(-1);
        assertThat(StatusTable.stateColumn("x\nSTATE\n")).isEqualTo(-1);
    }

    @Test
    void uptimeIsCompactAtEveryScale() {
        assertThat(StatusTable.uptime(0)).isEqualTo("0s");
        assertThat(StatusTable.uptime(59)).isEqualTo("59s");
        assertThat(StatusTable.uptime(60)).isEqualTo("1m00s");
        assertThat(StatusTable.uptime(3599)).isEqualTo("59m59s");
        assertThat(StatusTable.uptime(3600 + 7 * 60)).isEqualTo("1h07m");
        assertThat(StatusTable.uptime(2 * 86400 + 3 * 3600 + 59)).isEqualTo("2d3h");
    }
}
