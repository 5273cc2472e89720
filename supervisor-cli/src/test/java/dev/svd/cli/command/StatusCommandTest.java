package dev.svd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.cli.Invocation;
import dev.svd.cli.render.Style;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonParser;
import dev.svd.protocol.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusCommandTest {
    private static final String SERVICES = "[{\"name\":\"web\",\"state\":\"running\",\"pid\":4242,\"restarts\":2,"
            + "\"uptime_s\":192,\"health\":\"healthy\",\"last_exit\":\"exited 1\",\"reason\":\"up\",\"started_at\":\"x\","
            + "\"sockets\":[{\"listen\":\"127.0.0.1:8000\",\"name\":\"app\",\"fd\":3},{\"listen\":\"/run/a.sock\",\"name\":\"admin\",\"fd\":4}]},"
            + "{\"name\":\"db\",\"state\":\"failed\",\"pid\":null,\"restarts\":0,\"uptime_s\":null,\"health\":\"unknown\","
            + "\"last_exit\":\"killed by SIGKILL\",\"reason\":\"start limit\",\"started_at\":null}]";

    private static List<JsonValue> services() throws Exception {
        return ((JsonArray) JsonParser.parse(SERVICES)).items();
    }

    @Test
    void jsonHasExactlyTheDocumentedMembersInOrder() throws Exception {
        assertThat(StatusCommand.json(services())).isEqualTo("{\"services\":["
                + "{\"name\":\"web\",\"state\":\"running\",\"pid\":4242,\"restarts\":2,\"uptime_s\":192,"
                + "\"health\":\"healthy\",\"last_exit\":\"exited 1\",\"ready\":null,\"reason\":\"up\",\"probe\":null,"
                + "\"sockets\":[{\"listen\":\"127.0.0.1:8000\",\"name\":\"app\",\"fd\":3},"
                + "{\"listen\":\"/run/a.sock\",\"name\":\"admin\",\"fd\":4}],\"status_text\":null,\"main_pid\":null},"
                + "{\"name\":\"db\",\"state\":\"failed\",\"pid\":null,\"restarts\":0,\"uptime_s\":null,"
                + "\"health\":\"unknown\",\"last_exit\":\"killed by SIGKILL\",\"ready\":null,\"reason\":\"start limit\","
                + "\"probe\":null,\"sockets\":null,\"status_text\":null,\"main_pid\":null}]}");
    }

    @Test
    void namedStatusShowsWhatTheServiceNotified() throws Exception {
        List<JsonValue> web = ((JsonArray) JsonParser.parse("[{\"name\":\"web\",\"state\":\"running\","
                + "\"reason\":\"up\",\"status_text\":\"warming up\",\"main_pid\":4243}]")).items();
        assertThat(StatusCommand.details(web)).isEqualTo("web: up\nweb: status: warming up\nweb: main pid (MAINPID=): 4243\n");
    }

    @Test
    void namedStatusAddsReasonLastProbeAndOneLinePerSocket() throws Exception {
        assertThat(StatusCommand.details(services())).isEqualTo("web: up\n"
                + "web: socket 127.0.0.1:8000 (name app, fd 3, held by svd)\n"
                + "web: socket /run/a.sock (name admin, fd 4, held by svd)\n"
                + "db: start limit\n");
    }

    @Test
    void tableShowsDashesForAbsentValues() throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        Invocation inv = new Invocation(Path.of("/x"), sink, sink, new Style(false));
        assertThat(StatusCommand.table(services(), inv)).isEqualTo(
                "NAME  STATE    PID   UPTIME  RESTARTS  HEALTH   LAST-EXIT\n"
                + "web   running  4242  3m12s   2         healthy  exited 1\n"
                + "db    failed   -     -       0         unknown  killed by SIGKILL\n");
    }

    @Test
    void colourMarksOnlyTheStateCellsAndKeepsTheColumnsWhereThePlainTableHasThem() throws Exception {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream());
        Invocation inv = new Invocation(Path.of("/x"), sink, sink, new Style(true));
        assertThat(StatusCommand.table(services(), inv)).isEqualTo(
                "NAME  STATE    PID   UPTIME  RESTARTS  HEALTH   LAST-EXIT\n"
                + "web   \u001b[32mrunning\u001b[0m  4242  3m12s   2         healthy  exited 1\n"
                + "db    \u001b[31mfailed\u001b[0m   -     -       0         unknown  killed by SIGKILL\n");
    }

    @Test
    void aTableSvdLaidOutIsColouredAsSvctlsOwn() {
        String table = "NAME        STATE     PID  UPTIME  RESTARTS  HEALTH   LAST-EXIT\n"
                + "web-server  stopping  12   1s      0         unknown  -\n"
                + "x           starting  -    -       0         unknown  exited 1\n";
        assertThat(StatusCommand.coloured(table, new Style(false))).isSameAs(table);
        assertThat(StatusCommand.coloured(table, new Style(true))).isEqualTo(
                "NAME        STATE     PID  UPTIME  RESTARTS  HEALTH   LAST-EXIT\n"
                + "web-server  \u001b[33mstopping\u001b[0m  12   1s      0         unknown  -\n"
                + "x           \u001b[33mstarting\u001b[0m  -    -       0         unknown  exited 1\n");
    }
}
