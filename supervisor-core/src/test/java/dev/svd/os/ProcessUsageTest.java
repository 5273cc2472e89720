package dev.svd.os;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading a process's group, CPU time and resident memory from its /proc/PID/stat line (proc(5)). */
class ProcessUsageTest {
    @Test
    void statLineGivesGroupCpuTimeAndResidentBytes() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        // priority nice threads itrealvalue starttime vsize rss ...
        String stat = "4243 (nginx: worker) S 4242 4242 4242 0 -1 4194624 100 0 0 0 150 25 7 3 20 0 1 0 9000 "
                + "12345678 300 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";

        ProcessUsage.Entry e = ProcessUsage.parse(stat).orElseThrow();

        assertThat(e.pid()).isEqualTo(4243);
        assertThat(e.group()).isEqualTo(4242);
        assertThat(e.usage()).isEqualTo(new ProcFs.Usage(1.75, 300 * 4096L)); // (150 + 25) ticks at 100 Hz
    }

    @Test
    void aCommWithSpacesAndParenthesesDoesNotShiftTheFields() {
        String stat = "77 (a) b (c)) R 1 70 70 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 5 100 2 0";

        ProcessUsage.Entry e = ProcessUsage.parse(stat).orElseThrow();

        assertThat(e.group()).isEqualTo(70);
        assertThat(e.usage()).isEqualTo(new ProcFs.Usage(0.07, 2 * 4096L));
    }

    @Test
    void aTruncatedOrGarbledLineIsSkipped() {
        assertThat(ProcessUsage.parse("")).isEmpty();
        assertThat(ProcessUsage.parse("12 (x) S 1 2")).isEmpty();
        assertThat(ProcessUsage.parse("12 (x) S 1 x 3 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 5 100 2 0")).isEmpty();
    }

    @Test
    void ownProcessIsCountedWithItsGroupAndAnotherPidOnlyOnce() {
        int self = (int) ProcessHandle.current().pid();
        int group = ProcFs.processGroup(self);
        int parent = ProcFs.parentOf(self);

        ProcessUsage.Sample alone = ProcessUsage.ofGroups(java.util.Set.of(group), java.util.Map.of()).get(group);
        ProcessUsage.Sample with = ProcessUsage.ofGroups(java.util.Set.of(group),
                java.util.Map.of(group, java.util.List.of(self, parent, parent))).get(group);

        assertThat(alone.usage().residentBytes()).isPositive();
        int parentOutside = ProcFs.processGroup(parent) == group ? 0 : 1;
        assertThat(with.processes()).isEqualTo(alone.processes() + parentOutside);
    }
}
