package dev.svd.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sockets} and {@code sockets-env} (docs/sockets.md): what is read, and each problem with its line and key. */
class SocketConfigTest {
    private final ConfigFiles files;

    SocketConfigTest(@TempDir Path dir) {
        this.files = new ConfigFiles(dir);
    }

    private List<String> problems(String sockets) {
        return files.problems("services.web {\n  command = [nginx]\n  sockets = " + sockets + "\n}\n");
    }

    @Test
    void tcpIpv6AndUnixSocketsAreReadInOrderWithDefaults() throws Exception {
        SupervisorSpec spec = files.load("""
                services.web {
                  command = [nginx]
                  sockets = [
                    { listen = "127.0.0.1:8000", name = app }
                    { listen = "[::1]:8443", backlog = 128 }
                    { listen = "/run/app.sock", mode = "0660" }
                  ]
                }
                """);

        List<SocketSpec> sockets = spec.services().get("web").sockets();
        assertThat(sockets).extracting(SocketSpec::listen).containsExactly("127.0.0.1:8000", "[::1]:8443", "/run/app.sock");
        assertThat(sockets).extracting(SocketSpec::family)
                .containsExactly(SocketSpec.Family.INET, SocketSpec.Family.INET6, SocketSpec.Family.UNIX);
        assertThat(sockets).extracting(SocketSpec::name).containsExactly("app", "web", "web");
        assertThat(sockets).extracting(SocketSpec::backlog).containsExactly(4096, 128, 4096);
        assertThat(sockets.get(1).address()).isEqualTo("::1");
        assertThat(sockets.get(1).port()).isEqualTo(8443);
        assertThat(sockets.get(2).path()).contains(Path.of("/run/app.sock"));
        assertThat(sockets.get(2).mode()).isEqualTo(0660);
        assertThat(sockets.get(0).origin().line()).isEqualTo(4);
        assertThat(spec.services().get("web").socketsEnv()).isEqualTo(SocketAnnounce.SYSTEMD);
    }

    @Test
    void theNginxProfileAnnouncesSocketsInTheNginxVariableUnlessTold() throws Exception {
        SupervisorSpec spec = files.load("""
                services.a { command = [nginx], profile = nginx }
                services.b { command = [nginx], profile = nginx, sockets-env = systemd }
                services.c { command = [nginx], sockets-env = nginx }
                """);

        assertThat(spec.services().get("a").socketsEnv()).isEqualTo(SocketAnnounce.NGINX);
        assertThat(spec.services().get("b").socketsEnv()).isEqualTo(SocketAnnounce.SYSTEMD);
        assertThat(spec.services().get("c").socketsEnv()).isEqualTo(SocketAnnounce.NGINX);
    }

    @Test
    void aHostNameIsRefusedWithTheElementAndLine() {
        assertThat(problems("[{ listen = \"localhost:8000\" }]")).containsExactly(files.at(3)
                + "services.web.sockets[0].listen: svd listens on IP addresses, not names (expected host:port with an IP"
                + " address, such as \"127.0.0.1:8000\", \"0.0.0.0:80\", \"[::1]:8000\" or \"[::]:443\", or an absolute"
                + " path such as \"/run/app.sock\" (was \"localhost:8000\"))");
    }

    @Test
    void badPortsAndAddressesAreProblems() {
        assertThat(problems("[{ listen = \"127.0.0.1:0\" }, { listen = \"127.0.0.1:65536\" }, { listen = \"[::g]:80\" },"
                + " { listen = \"::1:80\" }, { listen = \"300.0.0.1:80\" }, { listen = 8000 }]"))
                .extracting(p -> p.substring(p.indexOf("services.")))
                .containsExactly(
                        "services.web.sockets[0].listen: the port must be 1 to 65535 (was \"0\" in \"127.0.0.1:0\")",
                        "services.web.sockets[1].listen: the port must be 1 to 65535 (was \"65536\" in \"127.0.0.1:65536\")",
                        "services.web.sockets[2].listen: \"::g\" is not an IPv6 address (expected host:port with an IP"
                                + " address, such as \"127.0.0.1:8000\", \"0.0.0.0:80\", \"[::1]:8000\" or \"[::]:443\", or"
                                + " an absolute path such as \"/run/app.sock\" (was \"[::g]:80\"))",
                        "services.web.sockets[3].listen: an IPv6 address goes in brackets, such as \"[::1]:8000\" (expected"
                                + " host:port with an IP address, such as \"127.0.0.1:8000\", \"0.0.0.0:80\", \"[::1]:8000\""
                                + " or \"[::]:443\", or an absolute path such as \"/run/app.sock\" (was \"::1:80\"))",
                        "services.web.sockets[4].listen: svd listens on IP addresses, not names (expected host:port with"
                                + " an IP address, such as \"127.0.0.1:8000\", \"0.0.0.0:80\", \"[::1]:8000\" or \"[::]:443\","
                                + " or an absolute path such as \"/run/app.sock\" (was \"300.0.0.1:80\"))",
                        "services.web.sockets[5].listen: expected host:port with an IP address, such as \"127.0.0.1:8000\","
                                + " \"0.0.0.0:80\", \"[::1]:8000\" or \"[::]:443\", or an absolute path such as"
                                + " \"/run/app.sock\" (was \"8000\")");
    }

    @Test
    void missingListenUnknownKeyAndNotAnObject() {
        assertThat(problems("[{ name = app, lisen = \"127.0.0.1:80\" }, \"127.0.0.1:81\"]"))
                .extracting(p -> p.substring(p.indexOf("services.")))
                .containsExactlyInAnyOrder(
                        "services.web.sockets[0].lisen: unknown key (did you mean \"listen\"?)",
                        "services.web.sockets[0].listen: missing: every socket needs an address such as"
                                + " \"127.0.0.1:8000\", \"[::1]:8000\" or \"/run/app.sock\"",
                        "services.web.sockets[1]: expected an object such as [{ listen = \"127.0.0.1:8000\", name = app }]"
                                + " (was a string)");
    }

    @Test
    void namesFollowSystemdsFileDescriptorNameRules() {
        assertThat(problems("[{ listen = \"127.0.0.1:80\", name = \"a:b\" }]")).containsExactly(files.at(3)
                + "services.web.sockets[0].name: a socket name is printable ASCII without \":\", which separates the"
                + " names in LISTEN_FDNAMES (was \"a:b\")");
        assertThat(SocketReader.nameProblem("x".repeat(256))).isPresent();
        assertThat(SocketReader.nameProblem("x".repeat(255))).isEmpty();
        assertThat(SocketReader.nameProblem("tab\there")).isPresent();
        assertThat(SocketReader.nameProblem("web socket")).isEmpty();
    }

    @Test
    void unixOnlyKeysOnATcpSocketAndABadModeAreProblems() {
        assertThat(problems("[{ listen = \"127.0.0.1:80\", mode = \"0600\" }, { listen = \"/run/a.sock\", mode = \"rw\" },"
                + " { listen = \"/run/../a.sock\" }]"))
                .extracting(p -> p.substring(p.indexOf("services.")))
                .containsExactly(
                        "services.web.sockets[0].mode: only for a Unix socket (listen = \"/run/app.sock\"), not for 127.0.0.1:80",
                        "services.web.sockets[1].mode: expected an octal file mode such as \"0660\" (was \"rw\")",
                        "services.web.sockets[2].listen: expected a plain absolute path such as \"/run/app.sock\""
                                + " (was \"/run/../a.sock\")");
    }

    @Test
    void oneAddressInTwoServicesIsAProblemAlsoBehindAWildcard() {
        assertThat(files.problems("""
                services.a { command = [nginx], sockets = [{ listen = "127.0.0.1:8000" }] }
                services.b { command = [nginx], sockets = [{ listen = "0.0.0.0:8000" }] }
                services.c { command = [nginx], sockets = [{ listen = "[::1]:8000" }, { listen = "127.0.0.2:8000" }] }
                services.d { command = [nginx], sockets = [{ listen = "/run/x.sock" }, { listen = "/run/x.sock" }] }
                """)).extracting(p -> p.substring(p.indexOf("services.")))
                .containsExactly(
                        "services.b.sockets[0].listen: \"0.0.0.0:8000\" is also a socket of service a (127.0.0.1:8000, "
                                + files.at(1).replaceAll(": $", "") + "): two services cannot listen on one address",
                        "services.c.sockets[1].listen: \"127.0.0.2:8000\" is also a socket of service b (0.0.0.0:8000, "
                                + files.at(2).replaceAll(": $", "") + "): two services cannot listen on one address",
                        "services.d.sockets[1].listen: \"/run/x.sock\" is listed twice in this service");
    }

    @Test
    void aServiceWithoutSocketsHasNone() throws Exception {
        assertThat(files.load("services.web.command = [nginx]\n").services().get("web").sockets()).isEmpty();
        assertThat(ServiceSpec.of("web", List.of("nginx")).sockets()).isEmpty();
        assertThat(Optional.of(ServiceSpec.of("web", List.of("nginx")).socketsEnv())).contains(SocketAnnounce.SYSTEMD);
    }

    /** Hostile addresses: each is a valid socket or exactly one problem on its listen key, never an exception. */
    @Test
    void randomAddressesAreAcceptedOrNamedNeverThrown() throws Exception {
        long seed = new java.util.Random().nextLong();
        java.util.Random random = new java.util.Random(seed);
        String alphabet = "0123456789abcdefg:.[]/% x";
        for (int i = 0; i < 200; i++) {
            StringBuilder b = new StringBuilder();
            int length = 1 + random.nextInt(24);
            for (int j = 0; j < length; j++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String listen = b.toString();
            List<String> problems;
            try {
                files.load("services.web {\n  command = [nginx]\n  sockets = [{ listen = \"" + listen + "\" }]\n}\n");
                problems = List.of();
            } catch (ConfigException e) {
                problems = e.problems().stream().map(ConfigProblem::toString).toList();
            }
            assertThat(problems).as("seed %d, listen \"%s\"", seed, listen).hasSizeLessThanOrEqualTo(1)
                    .allSatisfy(p -> assertThat(p).contains("services.web.sockets[0].listen: "));
        }
    }
}
