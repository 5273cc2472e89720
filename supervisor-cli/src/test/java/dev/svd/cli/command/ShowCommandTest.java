package dev.svd.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import dev.svd.protocol.JsonObject;
import dev.svd.protocol.JsonParser;
import org.junit.jupiter.api.Test;

/** How svctl show prints svd's answer: aligned keys, values and origins; the process tree; the cgroup. */
class ShowCommandTest {
    @Test
    void eachKeyIsPrintedWithItsValueAndOriginThenTheProcessesAndTheCgroup() throws Exception {
        JsonObject result = (JsonObject) JsonParser.parse("{\"name\":\"web\",\"origin\":\"/etc/svd/svd.conf:12\","
                + "\"state\":\"running\",\"settings\":["
                + "{\"key\":\"command\",\"value\":\"[\\\"nginx\\\"]\",\"from\":\"/etc/svd/svd.conf:13\"},"
                + "{\"key\":\"stop.signal\",\"value\":\"QUIT\",\"from\":\"profile nginx\"},"
                + "{\"key\":\"restart\",\"value\":\"always\",\"from\":\"default\"}],"
                + "\"processes\":[{\"pid\":4242,\"parent\":0,\"command\":\"nginx: master\",\"via\":\"tree\"},"
                + "{\"pid\":4243,\"parent\":4242,\"command\":\"nginx: worker\",\"via\":\"tree\"},"
                + "{\"pid\":4250,\"parent\":1,\"command\":\"orphan\",\"via\":\"group\"},"
                + "{\"pid\":4260,\"parent\":1,\"command\":\"daemon\",\"via\":\"cgroup\"}],"
                + "\"cgroup\":\"/sys/fs/cgroup/svd.1a2b3c4d/web.service\"}");

        assertThat(ShowCommand.text(result)).isEqualTo("""
                web (running; defined at /etc/svd/svd.conf:12)
                  command      ["nginx"]  /etc/svd/svd.conf:13
                  stop.signal  QUIT       profile nginx
                  restart      always     default
                processes:
                  4242  nginx: master
                    4243  nginx: worker
                  4250  orphan  (in its process group, not under its main process)
                  4260  daemon  (in its cgroup, outside its process group)
                cgroup: /sys/fs/cgroup/svd.1a2b3c4d/web.service
                """);
    }

    @Test
    void aServiceWithoutProcessesOrCgroupSaysNone() throws Exception {
        JsonObject result = (JsonObject) JsonParser.parse("{\"name\":\"db\",\"origin\":\"a.conf:1\",\"state\":\"stopped\","
                + "\"settings\":[],\"processes\":[],\"cgroup\":null}");

        assertThat(ShowCommand.text(result)).isEqualTo("db (stopped; defined at a.conf:1)\nprocesses: none\ncgroup: none\n");
    }
}
