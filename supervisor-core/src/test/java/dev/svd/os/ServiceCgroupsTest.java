package dev.svd.os;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cgroup v2 code against a fake cgroup tree (a temp dir holding the interface files the
 * kernel would make), and where svd's cgroup is found from mountinfo and /proc/self/cgroup as
 * a hybrid host, a container, a systemd service and a cgroup namespace show them.
 */
class ServiceCgroupsTest {
    private static final String V2_ONLY = "29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw\n";
    private static final String HYBRID = "25 24 0:22 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
            + "26 25 0:23 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
            + "27 25 0:24 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n";

    @TempDir
    Path dir;
    private final List<Integer> killed = new ArrayList<>();

    @Test
    void aHybridHostHasItsV2HierarchyUnderUnified() {
        ServiceCgroups.Location l = ServiceCgroups.locate(HYBRID, "4:memory:/x\n0::/\n");
        assertThat(l.dir()).contains(Path.of("/sys/fs/cgroup/unified"));
    }

    @Test
    void aSystemdServiceNestsUnderItsOwnCgroup() {
        ServiceCgroups.Location l = ServiceCgroups.locate(V2_ONLY, "0::/system.slice/svd.service\n");
        assertThat(l.dir()).contains(Path.of("/sys/fs/cgroup/system.slice/svd.service"));
    }

    @Test
    void aContainerWithItsOwnCgroupNamespaceIsAtTheMountPoint() {
        ServiceCgroups.Location l = ServiceCgroups.locate(V2_ONLY, "0::/\n");
        assertThat(l.dir()).contains(Path.of("/sys/fs/cgroup"));
    }

    @Test
    void aMountWhoseRootIsNotTheHierarchysRootIsResolvedRelativeToIt() {
        String bound = "40 30 0:26 /docker/abc /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
        assertThat(ServiceCgroups.locate(bound, "0::/docker/abc/init\n").dir()).contains(Path.of("/sys/fs/cgroup/init"));
        assertThat(ServiceCgroups.locate(bound, "0::/docker/other\n").dir()).as("not under this mount").isEmpty();
    }

    @Test
    void anEscapedMountPointIsDecoded() {
        String spaced = "40 30 0:26 / /mnt/my\\040cgroups rw - cgroup2 cgroup2 rw\n";
        assertThat(ServiceCgroups.locate(spaced, "0::/a\n").dir()).contains(Path.of("/mnt/my cgroups/a"));
    }

    @Test
    void cgroupV1AloneGivesNoCgroupAndSaysWhy() {
        ServiceCgroups.Location l = ServiceCgroups.locate(HYBRID, "4:memory:/x\n1:name=systemd:/\n");
        assertThat(l.dir()).isEmpty();
        assertThat(l.reason()).isEqualTo("no cgroup v2 hierarchy (cgroup v1 only)");
    }

    @Test
    void aV2LineWithoutAVisibleMountGivesNoCgroup() {
        ServiceCgroups.Location l = ServiceCgroups.locate("27 25 0:24 / /sys/fs/cgroup/memory rw - cgroup cgroup rw\n", "0::/x\n");
        assertThat(l.dir()).isEmpty();
        assertThat(l.reason()).contains("not mounted").contains("/x");
    }

    @Test
    void theNameComesFromTheStateDirSoARestartedSvdFindsItsOwn() {
        String a = ServiceCgroups.baseName(Path.of("/var/lib/svd"));
        assertThat(a).matches("svd\\.[0-9a-f]{8}");
        assertThat(ServiceCgroups.baseName(Path.of("/var/lib/svd/"))).isEqualTo(a);
        assertThat(ServiceCgroups.baseName(Path.of("/var/lib/other"))).isNotEqualTo(a);
    }

    @Test
    void placeWritesThePidIntoTheServicesCgroupProcs() throws IOException {
        ServiceCgroups cgroups = cgroups(true);
        Path procs = fakeCgroup("web", "", "populated 0\n");
        int gone = Integer.MAX_VALUE - 7; // no such process: nothing of it to walk

        assertThat(cgroups.place("web", gone)).isTrue();

        assertThat(Files.readString(procs)).isEqualTo(Integer.toString(gone));
    }

    /**
     * The exit of a service's previous process removes its cgroup after reporting the exit, so the
     * removal may come between the restart's mkdir and its write of the pid: the cgroup is made again.
     */
    @Test
    void placeMakesTheCgroupAgainWhenItIsRemovedBeforeThePidIsWritten() throws IOException {
        Path cg = dir.resolve("web.service");
        int[] made = {0};
        ServiceCgroups cgroups = new ServiceCgroups(dir, true, killed::add, d -> {
            try {
                if (++made[0] == 1) {
                    Files.delete(d.resolve("cgroup.procs")); // the previous exit's rmdir, just now
                    Files.delete(d.resolve("cgroup.events"));
                    Files.delete(d);
                } else {
                    Files.writeString(d.resolve("cgroup.procs"), ""); // what the kernel makes on mkdir
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        fakeCgroup("web", "", "populated 0\n");
        int gone = Integer.MAX_VALUE - 7; // no such process: nothing of it to walk

        assertThat(cgroups.place("web", gone)).isTrue();

        assertThat(made[0]).isEqualTo(2);
        assertThat(Files.readString(cg.resolve("cgroup.procs"))).isEqualTo(Integer.toString(gone));
    }

    /** place makes only the service's directory; when svd's own is gone too, it makes both. */
    @Test
    void placeMakesSvdsOwnCgroupAgainWhenItIsGone() throws IOException {
        Path base = dir.resolve("svd.0000");
        ServiceCgroups cgroups = new ServiceCgroups(base, true, killed::add, d -> {
            try {
                if (!Files.exists(d.resolve("cgroup.procs"))) {
                    Files.writeString(d.resolve("cgroup.procs"), ""); // what the kernel makes on mkdir
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        int gone = Integer.MAX_VALUE - 7;

        assertThat(cgroups.place("web", gone)).isTrue();

        assertThat(Files.readString(base.resolve("web.service/cgroup.procs"))).isEqualTo(Integer.toString(gone));
    }

    @Test
    void closeRemovesEmptyServiceCgroupsLeftByLateRemovalsThenItsOwn() throws IOException {
        Path base = Files.createDirectories(dir.resolve("svd.0000"));
        Files.createDirectories(base.resolve("a.service"));
        Files.createDirectories(base.resolve("b.service"));

        new ServiceCgroups(base, true, killed::add).close();

        assertThat(base).doesNotExist();
    }

    @Test
    void closeLeavesAServiceCgroupThatStillHoldsProcesses() throws IOException {
        Path base = Files.createDirectories(dir.resolve("svd.0000"));
        Files.createDirectories(base.resolve("empty.service"));
        Files.writeString(Files.createDirectories(base.resolve("busy.service")).resolve("cgroup.procs"), "12\n");

        new ServiceCgroups(base, true, killed::add).close();

        assertThat(base.resolve("empty.service")).doesNotExist();
        assertThat(base.resolve("busy.service")).exists();
    }

    @Test
    void placeThatCannotMakeTheCgroupFallsBackToProc() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "");
        ServiceCgroups cgroups = new ServiceCgroups(file, true, killed::add);
        int alive = (int) ProcessHandle.current().pid();

        assertThat(cgroups.place("web", alive)).isFalse();
    }

    @Test
    void killWritesCgroupKill() throws IOException {
        ServiceCgroups cgroups = cgroups(true);
        fakeCgroup("web", "12\n34\n", "populated 1\n");
        Path kill = Files.writeString(dir.resolve("web.service/cgroup.kill"), "");

        cgroups.kill("web");

        assertThat(Files.readString(kill)).isEqualTo("1");
        assertThat(killed).isEmpty();
    }

    @Test
    void withoutCgroupKillEveryMemberGetsSigkill() throws IOException {
        ServiceCgroups cgroups = cgroups(false);
        fakeCgroup("web", "12\n34\n", "populated 1\n");

        cgroups.kill("web");

        assertThat(killed).containsExactly(12, 34);
    }

    @Test
    void populatedIsReadFromCgroupEvents() throws IOException {
        ServiceCgroups cgroups = cgroups(true);
        fakeCgroup("web", "12\n", "populated 1\nfrozen 0\n");
        fakeCgroup("idle", "", "populated 0\nfrozen 0\n");

        assertThat(cgroups.populated("web")).isTrue();
        assertThat(cgroups.populated("idle")).isFalse();
        assertThat(cgroups.populated("never-started")).isFalse();
        assertThat(cgroups.members("web")).containsExactly(12);
        assertThat(cgroups.members("never-started")).isEmpty();
    }

    @Test
    void removeDeletesAnEmptyCgroupAndLeavesOneThatIsNot() throws IOException {
        ServiceCgroups cgroups = cgroups(true);
        Files.createDirectories(dir.resolve("empty.service"));
        fakeCgroup("busy", "12\n", "populated 1\n");

        cgroups.remove("empty");
        cgroups.remove("busy");
        cgroups.remove("never-started");

        assertThat(dir.resolve("empty.service")).doesNotExist();
        assertThat(dir.resolve("busy.service")).exists();
    }

    @Test
    void leftoversOfAnEarlierSvdAreKilledExceptAdoptedServices() throws IOException {
        ServiceCgroups cgroups = cgroups(false);
        fakeCgroup("old", "55\n", "populated 1\n");
        fakeCgroup("adopted", "66\n", "populated 1\n");

        cgroups.clearLeftovers(Set.of("adopted"));

        assertThat(killed).containsExactly(55);
    }

    private ServiceCgroups cgroups(boolean hasKill) {
        return new ServiceCgroups(dir, hasKill, killed::add);
    }

    /** What the kernel makes on mkdir, as plain files: cgroup.procs and cgroup.events. */
    private Path fakeCgroup(String service, String procs, String events) throws IOException {
        Path cg = Files.createDirectories(dir.resolve(service + ".service"));
        Files.writeString(cg.resolve("cgroup.events"), events);
        return Files.writeString(cg.resolve("cgroup.procs"), procs);
    }
}
