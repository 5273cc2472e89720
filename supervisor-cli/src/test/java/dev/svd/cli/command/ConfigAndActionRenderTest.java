package dev.svd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.cli.Invocation;
import dev.svd.cli.render.Style;
import dev.svd.protocol.JsonArray;
import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * How svctl prints update, reread, stop and start answers (issue 11, points 4 and 6): each changed
 * service under what was done to it, with its changed settings; other services a stop or start
 * touched, with why.
 */
class ConfigAndActionRenderTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Invocation inv = new Invocation(Path.of("/nonexistent"), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), new Style(false));

    private static final String UPDATE = "{\"added\":[\"cache\"],\"removed\":[],"
            + "\"changed\":[\"web\",\"gunicorn\",\"worker\",\"logger\",\"api\"],\"unchanged\":[\"nginx\"],\"problems\":[],"
            + "\"changes\":["
            + "{\"service\":\"web\",\"settings\":[\"command\",\"environment\"],\"pending\":[],\"action\":\"restart\","
            + "\"result\":{\"service\":\"web\",\"ok\":true,\"error\":null,\"message\":\"restarted\",\"state\":\"running\","
            + "\"pid\":5120,\"took_ms\":300,\"also\":[]}},"
            + "{\"service\":\"gunicorn\",\"settings\":[\"health\"],\"pending\":[],\"action\":\"without_restart\",\"result\":null},"
            + "{\"service\":\"worker\",\"settings\":[\"environment\"],\"pending\":[],\"action\":\"at_next_start\",\"result\":null},"
            + "{\"service\":\"logger\",\"settings\":[],\"pending\":[\"log\"],\"action\":\"none\",\"result\":null},"
            + "{\"service\":\"api\",\"settings\":[\"user\"],\"pending\":[],\"action\":\"restart\","
            + "\"result\":{\"service\":\"api\",\"ok\":false,\"error\":\"TIMEOUT\",\"message\":\"api: restart timed out after 2m"
            + " (starting: pid 7)\",\"state\":\"starting\",\"pid\":7,\"took_ms\":120000,\"also\":[]}}],"
            + "\"ok\":false}";

    @Test
    void updateListsEachChangedServiceUnderWhatWasDoneWithItsSettings() throws Exception {
        int code = RereadCommand.render((JsonObject) JsonParser.parse(UPDATE), inv, "added", "removed", "restarted",
                "changed without restart", "changed for next start", "pending until svd restarts", "unchanged");

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("""
                added: cache
                restart failed: api (user)
                restarted: web (command, environment; pid 5120)
                changed without restart: gunicorn (health)
                changed for next start: worker (environment; not running)
                pending until svd restarts: logger (log)
                unchanged: nginx
                """);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("svctl: api: restart timed out after 2m (starting: pid 7)\n");
        assertThat(code).isEqualTo(1);
    }

    @Test
    void nothingButUnchangedServicesIsNoChanges() throws Exception {
        int code = RereadCommand.render((JsonObject) JsonParser.parse("{\"added\":[],\"removed\":[],\"changed\":[],"
                + "\"unchanged\":[\"web\"],\"problems\":[],\"changes\":[],\"ok\":true}"), inv, "would add", "would remove",
                "would restart", "would change without restart", "would change at next start",
                "pending until svd restarts", "would leave alone");

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("would leave alone: web\nno changes\n");
        assertThat(code).isZero();
    }

    @Test
    void stopAndStartNameTheOtherServicesTheyTouchedAndWhy() throws Exception {
        JsonArray results = (JsonArray) JsonParser.parse("[{\"service\":\"gunicorn\",\"ok\":true,\"error\":null,"
                + "\"message\":\"stopped: stopped by operator\",\"state\":\"stopped\",\"pid\":null,\"took_ms\":1200,"
                + "\"also\":[{\"service\":\"nginx\",\"message\":\"stopped\",\"why\":\"depends on gunicorn\","
                + "\"state\":\"stopped\",\"pid\":null}]}]");

        int code = ActionCommand.printResults(results.items(), inv);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "gunicorn: stopped: stopped by operator (stopped, 1.2s)\nnginx: stopped (depends on gunicorn)\n");
        assertThat(code).isZero();
    }
}
