package dev.svd.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code svctl reload nginx} on the reference deployment: {@code profile = nginx} runs
 * {@code nginx -t} with the master's own arguments first (field notes, problem 1; real-stack
 * notes, pitfall 9: a running nginx ignores a broken config on HUP and only logs it).
 */
class ReloadIT {
    @TempDir
    Path dir;

    @Test
    void reloadWithAMissingCertificateIsRefusedWithNginxsErrorAndTheOldConfigKeepsServing() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            ProcessHandle master = stack.awaitMaster("nginx: master");
            await().atMost(Duration.ofSeconds(20)).until(() -> master.children().count() == 2);
            Set<Long> workers = master.children().map(ProcessHandle::pid).collect(Collectors.toSet());
            Path site = dir.resolve("nginx/sites/https.conf");
            Files.writeString(site, Files.readString(site).replace("certs/site/fullchain.pem", "certs/site/missing.pem"));

            ReferenceStack.Svctl reload = stack.svctl("reload", "nginx");

            assertThat(reload.exit()).as(reload.err()).isEqualTo(1);
            assertThat(reload.err()).contains("reload refused").contains("nothing was sent")
                    .contains("cannot load certificate \"" + dir.resolve("certs/site/missing.pem") + "\"");
            assertThat(master.children().map(ProcessHandle::pid).collect(Collectors.toSet()))
                    .as("the same workers: no SIGHUP reached the master").isEqualTo(workers);
            assertThat(stack.https("/").status()).isEqualTo(200);
            assertThat(stack.master("nginx: master")).get().isEqualTo(master);
        }
    }

    @Test
    void reloadWithAValidChangeServesItAndNoRequestFailsMeanwhile() throws Exception {
        try (ReferenceStack stack = ReferenceStack.prepare(dir)) {
            stack.startAndAwaitServing();
            Path site = dir.resolve("nginx/sites/https.conf");
            Files.writeString(site, Files.readString(site).replace("    client_max_body_size 20m;\n",
                    "    client_max_body_size 20m;\n    add_header X-Reloaded yes always;\n"));

            List<Integer> statuses = new CopyOnWriteArrayList<>();
            AtomicBoolean reloading = new AtomicBoolean(true);
            CompletableFuture<Void> requests = CompletableFuture.runAsync(() -> {
                while (reloading.get()) {
                    statuses.add(stack.httpsAsABrowser("/healthz").status());
                }
            });
            ReferenceStack.Svctl reload;
            try {
                reload = stack.svctl("reload", "nginx");
                // the loop runs on until the new config answers, through the switch of workers
                await().atMost(Duration.ofSeconds(10)).until(() -> stack.httpsWithHeaders("/").body()
                        .toLowerCase(Locale.ROOT).contains("x-reloaded: yes"));
            } finally {
                reloading.set(false);
            }
            requests.get();

            assertThat(reload.exit()).as(reload.err()).isEqualTo(0);
            // what happened, to which service, the master's pid, and how long it took
            assertThat(reload.out()).containsPattern("nginx: reloaded.*\\(running, pid \\d+, \\d+(\\.\\d+)?(ms|s)\\)");
            assertThat(statuses).as("requests during the reload").isNotEmpty().allMatch(s -> s == 200);
        }
    }
}
