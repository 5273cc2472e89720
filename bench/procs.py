"""Processes the harness started, and only those: spawning, /proc scans, bounded stops, cleanup.

The harness makes itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so a service orphaned
by a supervisor that died is re-parented to the harness instead of init: everything left at the
end is a descendant of the harness, and only those are killed (by pid or by the process group it
leads). Nothing is ever looked up or killed by name.
"""
import ctypes
import os
import signal
import subprocess
import time

PR_SET_CHILD_SUBREAPER = 36
CLK_TCK = os.sysconf("SC_CLK_TCK")


def become_subreaper():
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def stat_fields(pid):
    """/proc/PID/stat as a list whose index 0 is field 3 (state), or None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return data[data.rindex(b")") + 2:].split()


def alive(pid):
    """True while PID exists and is not a zombie."""
    f = stat_fields(pid)
    return f is not None and f[0] != b"Z"


def start_time(pid):
    f = stat_fields(pid)
    return None if f is None else int(f[19])


def cpu_ticks(pid):
    """utime + stime of PID (all its threads, living and dead), in clock ticks."""
    f = stat_fields(pid)
    return None if f is None else int(f[11]) + int(f[12])


def cpu_ns_schedstat(pid):
    """Sum of on-CPU ns over PID's current threads (/proc/PID/task/*/schedstat): ns resolution,
    but threads that ended are not counted."""
    total = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return None
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return total


def thread_cpu_ns(pid):
    """{"TID name": on-CPU ns} of PID's current threads."""
    out = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return out
    for t in tasks:
        try:
            with open(f"/proc/{pid}/task/{t}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                out[f"{t} {name}"] = int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return out


def threads_cpu_ns(pids):
    """{"PID/TID name": on-CPU ns} of the current threads of every pid in PIDS."""
    out = {}
    for pid in pids:
        for k, v in thread_cpu_ns(pid).items():
            out[f"{pid}/{k}"] = v
    return out


def rss_kb_sum(pids):
    """Sum of VmRSS over PIDS (pages shared between them counted in each)."""
    return sum(rss_kb(p) or 0 for p in pids)


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        return None
    return None


def process_table():
    """{pid: (ppid, state, comm)} of every process visible now."""
    table = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                data = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        lp, rp = data.index(b"("), data.rindex(b")")
        rest = data[rp + 2:].split()
        table[int(name)] = (int(rest[1]), rest[0], data[lp + 1:rp].decode(errors="replace"))
    return table


def descendants(root, table=None):
    """Living (non-zombie) descendants of ROOT: {pid: comm}."""
    table = process_table() if table is None else table
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = {}, list(children.get(root, []))
    while todo:
        pid = todo.pop()
        ppid, state, comm = table[pid]
        if state != b"Z":
            found[pid] = comm
        todo.extend(children.get(pid, []))
    return found


def reap():
    """Collects exit statuses of any child of the harness that ended (orphans re-parented to us
    included), so they do not linger as zombies."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


class Registry:
    """The processes this run started, also written to PIDFILE ("pid starttime" lines) so that
    bench/run's trap can stop them if the harness itself dies."""

    def __init__(self, pidfile):
        self.pidfile = pidfile
        self.procs = []

    def spawn(self, argv, **kw):
        proc = subprocess.Popen(argv, start_new_session=True, **kw)
        self.procs.append(proc)
        with open(self.pidfile, "a") as f:
            f.write(f"{proc.pid} {start_time(proc.pid)}\n")
        return proc

    def stop(self, proc, timeout=10.0):
        """SIGTERM to PROC, wait up to TIMEOUT, SIGKILL if needed; then SIGKILL what is left of
        its descendants (recorded before the signal, so orphans are found too)."""
        before = descendants(proc.pid) if proc.poll() is None else {}
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        for pid in before:
            kill_group_or_pid(pid)
        reap()

    def cleanup(self):
        for proc in self.procs:
            if proc.poll() is None:
                self.stop(proc, timeout=5.0)
        # Orphans of ours that were re-parented to the harness (we are a subreaper).
        for pid in descendants(os.getpid()):
            kill_group_or_pid(pid)
        reap()


def kill_group_or_pid(pid):
    """SIGKILL to PID's process group when PID leads it (services run in their own group),
    else to PID alone. PID must be a process this run started."""
    try:
        target = -pid if os.getpgid(pid) == pid else pid
        os.kill(target, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def wait_until(pred, timeout, poll=0.001):
    """Polls PRED until true or TIMEOUT seconds pass; returns the time_ns when it became true, or
    None on timeout."""
    end = time.monotonic() + timeout
    while True:
        if pred():
            return time.time_ns()
        if time.monotonic() > end:
            return None
        time.sleep(poll)
