package dev.svd.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger's files (issue 12): room is taken before a spawn, so writing the list afterwards never
 * needs a new block; both files keep their size and the list is swapped in whole.
 */
class ProcessLedgerFileTest {
    @TempDir
    Path dir;

    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void reservingGrowsBothFilesAndLaterWritesKeepTheirSize() throws Exception {
        ProcessLedger ledger = new ProcessLedger(dir);
        ledger.reserve("web", false);
        long size = Files.size(dir.resolve("processes"));
        assertThat(size).isEqualTo(4096);
        assertThat(Files.size(dir.resolve("processes.next"))).isEqualTo(size);

        ledger.added("web", SELF);
        ledger.flush();
        assertThat(Files.readString(dir.resolve("processes"), StandardCharsets.UTF_8)).contains("web\t" + SELF + "\t");
        ledger.removed(SELF);
        ledger.flush();
        assertThat(Files.readString(dir.resolve("processes"), StandardCharsets.UTF_8)).doesNotContain("web\t");
        assertThat(Files.size(dir.resolve("processes"))).isEqualTo(size);
        assertThat(Files.size(dir.resolve("processes.next"))).isEqualTo(size);
    }

    @Test
    void manyReservationsGrowTheFilesBeforeAnySpawn() throws Exception {
        ProcessLedger ledger = new ProcessLedger(dir);
        String name = "s".repeat(200);
        for (int i = 0; i < 40; i++) {
            ledger.reserve(name + i, true);
        }
        long lines = 40L * (200 + 2 + 34 + 65);
        assertThat(Files.size(dir.resolve("processes"))).isGreaterThanOrEqualTo(lines);
        assertThat(Files.size(dir.resolve("processes.next"))).isGreaterThanOrEqualTo(lines);
    }

    @Test
    void aLineSvdDidNotWriteIsSkipped() throws Exception {
        ProcessLedger ledger = new ProcessLedger(dir);
        ledger.added("web", SELF);
        ledger.flush();
        Path file = dir.resolve("processes");
        String text = Files.readString(file).strip();
        Files.writeString(file, text + "\nhalf\t12x\t3\nweb\t99999999999\t1\n");
        assertThat(new ProcessLedger(dir).leftovers()).extracting(ProcessLedger.Leftover::pgid).containsExactly(SELF);
    }

    @Test
    void aLinkAtEitherFileIsRefused() throws Exception {
        Files.createSymbolicLink(dir.resolve("processes.next"), dir.resolve("elsewhere"));
        ProcessLedger ledger = new ProcessLedger(dir);
        org.assertj.core.api.Assertions.assertThatThrownBy(ledger::refuseLinks)
                .hasMessage(dir.resolve("processes.next") + " is a symbolic link; svd does not write through links"
                        + " (remove it; svd creates the file)");
        assertThat(Files.exists(dir.resolve("elsewhere"))).isFalse();
    }
}
