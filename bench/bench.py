"""svd vs supervisord and s6, side by side in one run, with the machine's floors. Called by
bench/run, which installs the peers, builds svd and compiles the C helpers; see docs/benchmarks.md.

usage: bench.py [restart|start200|output|idle|ctl|scale|idle-ref ...]   (stop200 is measured with
start200)
Environment (set by bench/run): BENCH_TMP, BENCH_BIN (compiled helpers), BENCH_OUT,
SVD_CLASSPATH or SVD_BIN, JAVA17_HOME, JAVA25_HOME (optional), BENCH_QUICK=1 for fewer reps,
SVD_BASE_BIN (optional: a second svd launcher, run interleaved with SVD_BIN in `scale`).
"""
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time

import procs
from supervisors import S6, Supervisord, Svd

ENV = os.environ
TMP = ENV["BENCH_TMP"]
BIN = ENV["BENCH_BIN"]
QUICK = ENV.get("BENCH_QUICK") == "1"
REG = procs.Registry(os.path.join(TMP, "pids"))
HAVE_S6 = shutil.which("s6-svscan") is not None

# Targets and the peers' figures measured earlier on this machine (issue 2, "Performance to
# design for").
TARGETS = {
    "restart_ms": ("<=", 3.0, "issue 16: <= 3 ms, floor 1.5 ms there (issue 2: 5 ms; supervisord 1007 ms)"),
    "start200_s": ("<=", 0.4, "supervisord 1.7 s, s6 0.42 s"),
    "stop200_s": ("<=", 0.5, "supervisord 38 s, s6 0.4 s"),
    "output_ratio": (">=", 1.0, "issue 16: >= 1.0x cat, stretch 1.3x, never below supervisord"),
    "idle_rss_mb": ("<=", 48.0, "supervisord 30 MB"),
    "idle_cpu_ms_per_min": ("<=", 8.5, "supervisord 8.5 ms/min"),
    "ctl_ratio": ("<=", 0.5, "supervisorctl status 133 ms"),
    # issue 16
    "scale_up_s": ("<=", 2.5, "issue 16: 6.1 s there"),
    "scale_up_1000_s": ("<=", 1.2, "issue 16: 2.6 s there"),
    "scale_stop_s": ("<=", 1.0, ""),
    "scale_kb_per_service": ("<=", 25.0, ""),
    "scale_status_ratio": ("<=", 1.5, ""),
    "ref_rss_mb": ("<=", 46.0, "issue 16"),
    "ref_cpu_ms_per_min": ("<=", 4.0, "issue 16"),
}

results = {"scenarios": {}}


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def summary(samples):
    if not samples:
        return None
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples),
            "n": len(samples), "samples": samples}


def workdir(*parts):
    d = os.path.join(TMP, *parts)
    os.makedirs(d, exist_ok=True)
    return d


def launch(sup):
    out = open(sup.stdout, "ab")
    proc = REG.spawn(sup.argv(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                     env=sup.spawn_env(), cwd=sup.dir)
    out.close()
    return proc


def read_stamps(path):
    """[(pid, ns)] from a stamp file, complete lines only."""
    try:
        with open(path) as f:
            data = f.read()
    except FileNotFoundError:
        return []
    rows = []
    for line in data.split("\n")[:-1]:
        pid, ns = line.split()
        rows.append((int(pid), int(ns)))
    return rows


def supervisors(kind_dir):
    sups = [Svd(workdir(kind_dir, "svd"), ENV), Supervisord(workdir(kind_dir, "supervisord"), ENV)]
    if HAVE_S6:
        sups.append(S6(workdir(kind_dir, "s6"), ENV))
    return sups


def peers(runs):
    """The labels of RUNS other than svd's and the floors', in order."""
    return [k for k in runs if k not in ("svd", "floor", "direct", "bare C loop")]


def tail(path, n=5):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except FileNotFoundError:
        return ""


# --- 1. restart after SIGKILL -------------------------------------------------------------------

def restart_latency(proc_alive, stamps, reps, gap, timeout):
    """Kills the newest stamped pid REPS times; each sample is next stamp ns - kill ns, in ms."""
    samples, misses = [], 0
    if procs.wait_until(lambda: len(read_stamps(stamps)) >= 1, 30) is None:
        raise RuntimeError(f"the first process never started ({stamps} empty)")
    for _ in range(reps):
        time.sleep(gap)
        rows = read_stamps(stamps)
        pid = rows[-1][0]
        t_kill = time.time_ns()
        os.kill(pid, signal.SIGKILL)
        if procs.wait_until(lambda: len(read_stamps(stamps)) > len(rows), timeout, 0.0005) is None:
            misses += 1
            if not proc_alive():
                raise RuntimeError("the supervisor died during the restart scenario")
            continue
        samples.append((read_stamps(stamps)[len(rows)][1] - t_kill) / 1e6)
    return samples, misses


def scenario_restart():
    reps = 5 if QUICK else 20
    gap = 0.3
    out = {"reps": reps, "gap_s": gap, "unit": "ms", "runs": {}}
    stamp = os.path.join(BIN, "stamp")
    for sup in supervisors("restart"):
        stamps = os.path.join(sup.dir, "stamps")
        sup.configure({"victim": [stamp, stamps]}, start_seconds="0s", stable_after="100ms")
        proc = launch(sup)
        # s6-supervise waits until a second has passed since the previous start before it
        # restarts a service (its documentation): kills 1.1 s apart measure its restart path.
        sup_gap = 1.1 if sup.name == "s6" else gap
        out.setdefault("gap_s_by_supervisor", {})[sup.label] = sup_gap
        try:
            log(f"restart: {sup.label}, {reps} kills, {sup_gap}s apart")
            samples, misses = restart_latency(lambda: proc.poll() is None, stamps, reps, sup_gap,
                                              timeout=10.0)
        finally:
            REG.stop(proc)
        out["runs"][sup.label] = {"summary": summary(samples), "misses": misses}
    # The floor in the same run: a bare C fork/exec/waitpid loop.
    stamps = os.path.join(workdir("restart", "bare"), "stamps")
    proc = REG.spawn([os.path.join(BIN, "respawn"), stamp, stamps], stdout=subprocess.DEVNULL)
    try:
        log(f"restart: bare C loop, {reps} kills")
        samples, misses = restart_latency(lambda: proc.poll() is None, stamps, reps, gap, 5.0)
    finally:
        REG.stop(proc)
    out["runs"]["bare C loop"] = {"summary": summary(samples), "misses": misses}
    results["scenarios"]["restart"] = out


# --- 2 and 3. 200 services: start until all running, graceful stop until all gone -------------

def scenario_start200():
    reps = 2 if QUICK else 5
    n = 200
    cap = 60.0
    out = {"reps": reps, "services": n, "stop_cap_s": cap, "unit": "s", "runs": {}}
    stamp = os.path.join(BIN, "stamp")
    for sup in supervisors("start200"):
        starts, stops, capped, counts = [], [], 0, []
        for rep in range(reps):
            stamps = os.path.join(sup.dir, f"stamps-{rep}")
            services = {f"s{i:03d}": [stamp, stamps] for i in range(n)}
            sup.configure(services, start_seconds="0s")
            log(f"start200: {sup.label} rep {rep + 1}/{reps}")
            t0 = time.time_ns()
            proc = launch(sup)
            try:
                done = procs.wait_until(lambda: len(read_stamps(stamps)) >= n, 30.0, 0.005)
                if done is None:
                    raise RuntimeError(f"{sup.label}: only {len(read_stamps(stamps))} of {n} "
                                       f"services started within 30 s; its output:\n"
                                       f"{tail(sup.stdout)}")
                rows = read_stamps(stamps)
                starts.append((max(ns for _, ns in rows) - t0) / 1e9)
                # Cross-check by the process table: N stamp processes below the supervisor.
                kids = procs.descendants(proc.pid)
                # (s6 execs stamp through the symlink `run`: that is its comm there)
                counts.append(sum(1 for c in kids.values() if c in ("stamp", "run")))
                time.sleep(1.0)  # let it settle; then the graceful stop
                pids = [pid for pid, _ in rows]
                t1 = time.time_ns()
                proc.send_signal(signal.SIGTERM)
                end = procs.wait_until(
                    lambda: proc.poll() is not None and not any(procs.alive(p) for p in pids),
                    cap, 0.002)
                if end is None:
                    capped += 1
                    stops.append(cap)
                else:
                    stops.append((end - t1) / 1e9)
            finally:
                REG.stop(proc, timeout=5.0)
        out["runs"][sup.label] = {
            "start": summary(starts), "stop": summary(stops), "stop_capped": capped,
            "stamp_processes_seen": counts,
        }
    results["scenarios"]["start200"] = out


# --- 4. output capture throughput -------------------------------------------------------------

LINES = 5_368_709          # 100-byte lines: 536,870,900 bytes, just under 512 MiB
BYTES = LINES * 100


def wait_bytes(files_fn, stamps, deadline_after_end=5.0, timeout=120.0, records=False, head=34):
    """Waits until the files hold BYTES bytes. Returns (start_ns, done_ns or None, bytes seen).
    RECORDS: each line has a time before it (svd's records, log.timestamps: a 34-byte head, and a
    chunk's partial line split into two records; s6-log's T: 31 bytes): done when they hold at
    least BYTES plus a HEAD per line and have not grown for 0.1 s after the writer's end (the time
    of their last growth)."""
    t_limit = time.monotonic() + timeout
    end_seen_at = None
    need = BYTES + head * LINES if records else BYTES
    grown_at, last_size = None, -1
    while True:
        size = sum(os.path.getsize(f) for f in files_fn() if os.path.exists(f))
        if records and size != last_size:
            grown_at, last_size = time.time_ns(), size
        if size >= need and not records:
            done = time.time_ns()
            break
        if records and size >= need and time.time_ns() - grown_at > 100_000_000 \
                and "end" in open(stamps).read():
            done = grown_at
            break
        rows = dict(line.split() for line in open(stamps).read().split("\n")[:-1]) \
            if os.path.exists(stamps) else {}
        if "end" in rows and end_seen_at is None:
            end_seen_at = time.monotonic()
        now = time.monotonic()
        if (end_seen_at and now - end_seen_at > deadline_after_end) or now > t_limit:
            done = None
            break
        time.sleep(0.001)
    rows = dict(line.split() for line in open(stamps).read().split("\n")[:-1])
    if "end" not in rows:
        procs.wait_until(lambda: "end" in open(stamps).read(), deadline_after_end, 0.01)
        rows = dict(line.split() for line in open(stamps).read().split("\n")[:-1])
    # How fast the writer itself got rid of its bytes (into the pipe): informative when the
    # supervisor discards the output, and a check that the pipe, not the disk, was the limit.
    drain = BYTES / ((int(rows["end"]) - int(rows["start"])) / 1e9) / 1e6 if "end" in rows else None
    return int(rows["start"]), done, size, drain


def start_writer(stamps, go, stale):
    """Once the writer is up and waiting (its "ready" stamp), deletes the previous reader's output
    and lets the writer go. Every reader, the floor included, thus starts right after the same
    deletion: this VM hands freed guest memory back to the host within a second or two, and a file
    written into handed-back memory costs 3-5 times as much (docs/benchmarks.md), so a reader that
    started later after a deletion (svd's JVM start) would pay for the machine, not for itself."""
    if procs.wait_until(lambda: os.path.exists(stamps) and "ready" in open(stamps).read(), 30.0, 0.002) is None:
        raise RuntimeError("output: the writer never got ready")
    for f in stale:
        if os.path.exists(f):
            os.remove(f)
    stale.clear()
    open(go, "w").close()


def output_readers():
    """The readers next to cat: svd as the issue measures it (console off; timestamps off, so it
    splices), svd with log.timestamps (records), svd with the console on (the container default,
    timestamps off), then the other supervisors. (reader, configure() options)."""
    svd, *others = supervisors("output")
    # s6-ts: s6-log with its T directive, a time before each line as svd-ts writes one
    # (supervisord has no such option): the like-for-like peer of svd's default records.
    stamped = [(S6(workdir("output", "s6-ts"), ENV, label="s6-ts"), {"timestamps": True})] if HAVE_S6 else []
    return ([(svd, {"timestamps": False}),
             (Svd(workdir("output", "svd-ts"), ENV, label="svd-ts"), {"timestamps": True}),
             (Svd(workdir("output", "svd-console"), ENV, label="svd-console"),
              {"timestamps": False, "console": True})]
            + [(other, {}) for other in others] + stamped)


def scenario_output():
    reps = 1 if QUICK else 3
    writer = os.path.join(BIN, "writer")
    out = {"reps": reps, "bytes": BYTES, "line_bytes": 100, "unit": "MB/s (10^6 B/s)", "modes": {}}
    for mode in ("chunk", "line"):
        readers = output_readers()
        labels = [sup.label for sup, _ in readers]
        runs = {"floor": [], "direct": [], **{k: [] for k in labels}}
        notes = {}
        drains = {k: [] for k in labels}
        threads = {}
        cpu = {"floor": [], "direct": [], **{k: [] for k in labels}}
        stale = []  # the previous reader's 512 MiB: deleted by start_writer, right before the next go
        for rep in range(reps):
            # Floor: writer | cat > file
            d = workdir("output", "floor")
            stamps, target = os.path.join(d, "stamps"), os.path.join(d, "out.log")
            go = os.path.join(d, "go")
            for p in (stamps, target, go):
                if os.path.exists(p):
                    os.remove(p)
            log(f"output: {mode} rep {rep + 1}/{reps}: floor")
            with open(target, "wb") as f:
                w = REG.spawn([writer, mode, str(LINES), stamps, go], stdout=subprocess.PIPE)
                c = REG.spawn(["cat"], stdin=w.stdout, stdout=f)
                w.stdout.close()
                start_writer(stamps, go, stale)
                start, done, size, _ = wait_bytes(lambda: [target], stamps)
                w.wait(30)
                # cat's own CPU time (from its rusage): far less disturbed by a busy machine than
                # the wall clock, so it is the steadier way to compare the readers.
                _, _, ru = os.wait4(c.pid, 0)
                cpu["floor"].append(round((ru.ru_utime + ru.ru_stime) * 1000))
            runs["floor"].append(BYTES / ((done - start) / 1e9) / 1e6 if done else None)
            stale.append(target)
            # The other floor: `writer > file`, no reader at all (the limit of the machine's
            # page cache). Its CPU is the writer's own (its rusage).
            d = workdir("output", "direct")
            stamps, target, go = (os.path.join(d, n) for n in ("stamps", "out.log", "go"))
            for p in (stamps, target, go):
                if os.path.exists(p):
                    os.remove(p)
            log(f"output: {mode} rep {rep + 1}/{reps}: direct")
            with open(target, "wb") as f:
                w = REG.spawn([writer, mode, str(LINES), stamps, go], stdout=f)
                start_writer(stamps, go, stale)
                start, done, size, _ = wait_bytes(lambda: [target], stamps)
                _, _, ru = os.wait4(w.pid, 0)
                w.returncode = 0
                cpu["direct"].append(round((ru.ru_utime + ru.ru_stime) * 1000))
            runs["direct"].append(BYTES / ((done - start) / 1e9) / 1e6 if done else None)
            stale.append(target)
            for sup, options in readers:
                stamps, go = os.path.join(sup.dir, "stamps"), os.path.join(sup.dir, "go")
                for p in [stamps, go] + sup.log_files("writer"):
                    if os.path.exists(p):
                        os.remove(p)
                if os.path.exists(sup.stdout) and options.get("console"):
                    os.remove(sup.stdout)  # the console's copy of the previous rep
                options = {"console": False, **options}
                records = bool(options.get("timestamps"))
                sup.configure({"writer": [writer, mode, str(LINES), stamps, go]}, start_seconds="0s",
                              restart="never", max_size="1GiB", **options)
                log(f"output: {mode} rep {rep + 1}/{reps}: {sup.label}")
                proc = launch(sup)
                try:
                    if procs.wait_until(lambda: os.path.exists(stamps), 30.0, 0.002) is None:
                        raise RuntimeError(f"{sup.label}: writer never started:\n{tail(sup.stdout)}")
                    # (s6: s6-svscan, both s6-supervise and s6-log, up before the writer is)
                    pids = sup.supervisor_pids(proc)
                    start_writer(stamps, go, stale)
                    th0 = procs.threads_cpu_ns(pids)
                    start, done, size, drain = wait_bytes(lambda: sup.log_files("writer"), stamps, records=records,
                                                          head=31 if isinstance(sup, S6) else 34)
                    th1 = procs.threads_cpu_ns(pids)
                    drains[sup.label].append(drain)
                    cpu[sup.label].append(round(sum(v - th0.get(k, 0) for k, v in th1.items()) / 1e6))
                    # Where the supervisor's CPU went while it carried the bytes (last rep kept).
                    busy = sorted(((v - th0.get(k, 0), k) for k, v in th1.items()), reverse=True)
                    threads[sup.label] = {k.split(" ", 1)[1]: round(v / 1e6) for v, k in busy[:4]}
                finally:
                    REG.stop(proc)
                final = sum(os.path.getsize(f) for f in sup.log_files("writer"))
                if done and final != BYTES and not records:
                    notes[sup.label] = f"SIZE MISMATCH: {final} bytes in the log files, {BYTES} written"
                    done = None
                if done:
                    runs[sup.label].append(BYTES / ((done - start) / 1e9) / 1e6)
                elif size == 0:
                    runs[sup.label].append(None)
                    notes[sup.label] = ("not measurable yet: the writer finished but its log file "
                                        "is missing or empty (output capture to files not wired)")
                else:
                    runs[sup.label].append(None)
                    notes[sup.label] = f"LOST BYTES: {size} of {BYTES} arrived"
                stale.extend(sup.log_files("writer"))
        res = {}
        for k, v in runs.items():
            vals = [x for x in v if x is not None]
            res[k] = {"summary": summary(vals) if len(vals) == len(v) else None}
            if k in notes:
                res[k]["note"] = notes[k]
            res[k]["reader_cpu_ms"] = summary(cpu[k])
            if k in threads:
                res[k]["busiest_threads_cpu_ms"] = threads[k]
            if k in drains and all(d is not None for d in drains[k]):
                res[k]["writer_side"] = summary(drains[k])
        floor = res["floor"]["summary"]
        direct = res["direct"]["summary"]
        res["direct"]["ratio_to_floor"] = (direct["median"] / floor["median"]) if direct and floor else None
        for k in labels:
            s = res[k]["summary"]
            res[k]["ratio_to_floor"] = (s["median"] / floor["median"]) if s and floor else None
            res[k]["ratio_to_direct"] = (s["median"] / direct["median"]) if s and direct else None
            # Each rep's own floor was measured just before it: the paired ratios cancel slow
            # changes of the machine's load better than the ratio of the medians.
            if s and floor:
                res[k]["paired_ratios"] = [round(a / b, 3) for a, b in zip(runs[k], runs["floor"])]
        sv = res["svd"]["summary"]
        for k in labels:
            if k != "svd" and sv and res[k]["summary"]:
                res["svd"][f"ratio_to_{k}"] = sv["median"] / res[k]["summary"]["median"]
        # svd's default (records) against the peers: supervisord (raw bytes) and s6-log with T
        ts = res.get("svd-ts", {}).get("summary")
        for k in ("supervisord", "s6-ts"):
            if ts and k in res and res[k]["summary"]:
                res["svd-ts"][f"ratio_to_{k}"] = ts["median"] / res[k]["summary"]["median"]
        out["modes"][mode] = res
    results["scenarios"]["output"] = out


# --- 5. idle ----------------------------------------------------------------------------------

def scenario_idle():
    settle, window = (5, 15) if QUICK else (20, 60)
    sleeper = ["/bin/sleep", "100000"]
    sups = [Svd(workdir("idle", "svd-jdk17"), ENV, ENV["JAVA17_HOME"], label="svd (JDK 17)")]
    if ENV.get("JAVA25_HOME"):
        sups.append(Svd(workdir("idle", "svd-jdk25"), ENV, ENV["JAVA25_HOME"], label="svd (JDK 25)"))
    # The same svd with JVM and NuProcess flags proposed in docs/benchmarks.md (via the launcher's
    # SVD_JAVA_OPTS), to show what flags alone would change. Empty BENCH_SVD_PROPOSED_OPTS: no row.
    if ENV.get("BENCH_SVD_PROPOSED_OPTS") and ENV.get("SVD_BIN"):
        sups.append(Svd(workdir("idle", "svd-jdk17-flags"), ENV, ENV["JAVA17_HOME"],
                        label="svd (JDK 17, proposed flags)",
                        java_opts=ENV["BENCH_SVD_PROPOSED_OPTS"]))
    sups.append(Supervisord(workdir("idle", "supervisord"), ENV))
    if HAVE_S6:
        sups.append(S6(workdir("idle", "s6"), ENV))
    running = []
    try:
        for sup in sups:
            sup.configure({"a": sleeper, "b": sleeper}, start_seconds="0s")
            running.append((sup, launch(sup)))
        log(f"idle: {', '.join(s.label for s in sups)} side by side: settle {settle}s, "
            f"measure {window}s")
        time.sleep(settle)
        # s6 is several processes (s6-svscan, one s6-supervise per service): their sum is its cost.
        pids = {s.label: s.supervisor_pids(p) for s, p in running}
        first = {s.label: (sum(procs.cpu_ticks(x) for x in pids[s.label]),
                           sum(procs.cpu_ns_schedstat(x) for x in pids[s.label])) for s, _ in running}
        threads0 = {s.label: procs.threads_cpu_ns(pids[s.label]) for s, _ in running}
        rss = {s.label: [] for s, _ in running}
        t_end = time.monotonic() + window
        while time.monotonic() < t_end:
            for s, p in running:
                rss[s.label].append(procs.rss_kb_sum(pids[s.label]))
            time.sleep(min(5.0, max(0.0, t_end - time.monotonic())))
        out = {"settle_s": settle, "window_s": window, "runs": {},
               "proposed_opts": ENV.get("BENCH_SVD_PROPOSED_OPTS", "")}
        for s, p in running:
            ps = pids[s.label]
            rss[s.label].append(procs.rss_kb_sum(ps))
            ticks = sum(procs.cpu_ticks(x) for x in ps)
            ns = sum(procs.cpu_ns_schedstat(x) for x in ps)
            t0, n0 = first[s.label]
            kids = procs.descendants(p.pid)
            t1 = procs.threads_cpu_ns(ps)
            busiest = sorted(((v - threads0[s.label].get(k, 0), k) for k, v in t1.items()), reverse=True)
            out["runs"][s.label] = {
                "busiest_threads_ms_per_min": {k.split(" ", 1)[1]: round(v / 1e6 * 60 / window, 2)
                                               for v, k in busiest[:4]},
                "rss_mb_end": rss[s.label][-1] / 1024,
                "rss_mb_max": max(rss[s.label]) / 1024,
                "cpu_ms_per_min_stat": (ticks - t0) * 1000 / procs.CLK_TCK * 60 / window,
                "cpu_ms_per_min_schedstat": (ns - n0) / 1e6 * 60 / window,
                "children": len(kids),
                "processes": len(ps),
                "threads": sum(len(os.listdir(f"/proc/{x}/task")) for x in ps),
            }
    finally:
        for _, p in running:
            REG.stop(p)
    results["scenarios"]["idle"] = out


def hyperfine(commands, runs, warmup=5):
    """{name: summary in ms (median, min, max over RUNS)} for {name: command line}, one hyperfine."""
    export = os.path.join(TMP, "hyperfine.json")
    names = list(commands)
    subprocess.run(["hyperfine", "-N", "--warmup", str(warmup), "--runs", str(runs),
                    "--export-json", export, *commands.values()], check=True, capture_output=True)
    with open(export) as f:
        h = json.load(f)["results"]
    return {n: summary([t * 1000 for t in r["times"]]) for n, r in zip(names, h)}


def jvm_hello_commands():
    """The JVM floor: `java -cp BIN Hello` (bench/src/Hello.java) on each JDK, default flags."""
    out = {}
    for label, home in (("JVM hello (JDK 17)", ENV.get("JAVA17_HOME")),
                        ("JVM hello (JDK 25)", ENV.get("JAVA25_HOME"))):
        if home and os.path.exists(os.path.join(BIN, "Hello.class")):
            out[label] = f"{os.path.join(home, 'bin', 'java')} -cp {BIN} Hello"
    return out


def scenario_ctl():
    """`svctl status` against `supervisorctl status` and `s6-svstat`, each supervising 2 services,
    with the JVM hello world as a floor, timed by one hyperfine."""
    runs = 10 if QUICK else 40
    svd = Svd(workdir("ctl", "svd"), ENV)
    sup = Supervisord(workdir("ctl", "supervisord"), ENV)
    sups = [svd, sup] + ([S6(workdir("ctl", "s6"), ENV)] if HAVE_S6 else [])
    sleeper = ["/bin/sleep", "100000"]
    running = []
    try:
        for s in sups:
            s.configure({"a": sleeper, "b": sleeper}, start_seconds="0s")
            running.append(launch(s))
        svd_sock = os.path.join(svd.dir, "svd.sock")
        svctl = os.path.join(os.path.dirname(ENV["SVD_BIN"]), "svctl") if ENV.get("SVD_BIN") else None
        if not svctl or not os.access(svctl, os.X_OK):
            raise RuntimeError("svctl needs the packaged launcher (SVD_BIN)")
        cmds = {"svctl status": f"{svctl} --socket {svd_sock} status",
                "supervisorctl status": f"supervisorctl -c {sup.conf} status"}
        if HAVE_S6:
            # s6-svstat reads one service's status file: one call per service, 2 here.
            cmds["s6-svstat (1 of 2 services)"] = f"s6-svstat {os.path.join(sups[2].scan, 'a')}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if all(subprocess.run(c.split(), capture_output=True).returncode == 0 for c in cmds.values()):
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("a supervisor did not report both services running within 60 s")
        cmds.update(jvm_hello_commands())
        res = hyperfine(cmds, runs)
        med = {k: v["median"] for k, v in res.items()}
        out = {"runs": runs, "median_ms": med, "summary_ms": res,
               "ratio": med["svctl status"] / med["supervisorctl status"]}
        for k in med:
            if k != "svctl status":
                out.setdefault("ratios", {})[f"svctl/{k}"] = med["svctl status"] / med[k]
        results["scenarios"]["ctl"] = out
    finally:
        for p in running:
            REG.stop(p)


# --- scale: 2, 1,000 and 2,000 sleeping services ------------------------------------------------

def svd_builds(kind_dir):
    """svd as SVD_BIN and, given SVD_BASE_BIN, the base build beside it (for interleaved before /
    after figures)."""
    builds = [Svd(workdir(kind_dir, "svd"), ENV)]
    if ENV.get("SVD_BASE_BIN"):
        base_env = dict(ENV)
        base_env["SVD_BIN"] = ENV["SVD_BASE_BIN"]
        builds.append(Svd(workdir(kind_dir, "svd-base"), base_env, label="svd (base)"))
    return builds


def scenario_scale():
    """N `stamp` services (they stamp, then sleep in pause()): exec -> the Nth stamp, svd's CPU
    (utime+stime) until then, RSS once settled, `svctl status` time (hyperfine), then SIGTERM ->
    svd exited and all N gone, and svd's CPU over its whole life (its rusage). Sizes interleaved
    within each rep, builds (SVD_BIN, SVD_BASE_BIN) interleaved within each size."""
    reps = 1 if QUICK else 3
    sizes = [int(x) for x in ENV.get("BENCH_SCALE_SIZES", "2,1000,2000").split(",")]
    status_runs = 5 if QUICK else 10
    stamp = os.path.join(BIN, "stamp")
    builds = svd_builds("scale")
    svctl = os.path.join(os.path.dirname(ENV.get("SVD_BIN", "")), "svctl")
    out = {"reps": reps, "sizes": sizes, "status_runs": status_runs, "runs": {}}
    for rep in range(reps):
        for n in sizes:
            for sup in builds:
                row = out["runs"].setdefault(sup.label, {}).setdefault(str(n), {
                    "start_s": [], "start_cpu_ms": [], "rss_mb": [], "status_ms": [], "stop_s": [],
                    "life_cpu_ms": [], "threads": []})
                stamps = os.path.join(sup.dir, f"stamps-{n}-{rep}")
                sup.configure({f"s{i:04d}": [stamp, stamps] for i in range(n)}, start_seconds="0s",
                              console=False)
                log(f"scale: {sup.label}, {n} services, rep {rep + 1}/{reps}")
                t0 = time.time_ns()
                proc = launch(sup)
                try:
                    if procs.wait_until(lambda: len(read_stamps(stamps)) >= n, 120.0, 0.005) is None:
                        raise RuntimeError(f"{sup.label}: only {len(read_stamps(stamps))} of {n} "
                                           f"services started within 120 s:\n{tail(sup.stdout)}")
                    rows = read_stamps(stamps)
                    row["start_s"].append((max(ns for _, ns in rows) - t0) / 1e9)
                    row["start_cpu_ms"].append(procs.cpu_ticks(proc.pid) * 1000 / procs.CLK_TCK)
                    time.sleep(2.0)  # settle: the last services' output, trims, log files
                    row["rss_mb"].append(procs.rss_kb(proc.pid) / 1024)
                    row["threads"].append(len(os.listdir(f"/proc/{proc.pid}/task")))
                    sock = os.path.join(sup.dir, "svd.sock")
                    # each build's own svctl: svctl and svd change together (issue 16's status table)
                    own = os.path.join(os.path.dirname(sup.env.get("SVD_BIN", "")), "svctl")
                    st = hyperfine({"status": f"{own if os.access(own, os.X_OK) else svctl} --socket {sock} status"},
                                   status_runs, 2)
                    row["status_ms"].append(st["status"]["median"])
                    pids = [pid for pid, _ in rows]
                    t1 = time.time_ns()
                    proc.send_signal(signal.SIGTERM)
                    # svd is our child: wait4 gives its whole life's CPU time.
                    ru_box = []

                    def ended():
                        if not ru_box:
                            pid, _, ru = os.wait4(proc.pid, os.WNOHANG)
                            if pid == 0:
                                return False
                            proc.returncode = 0
                            ru_box.append(ru)
                        return not any(procs.alive(p) for p in pids)
                    end = procs.wait_until(ended, 60.0, 0.002)
                    row["stop_s"].append((end - t1) / 1e9 if end else 60.0)
                    if ru_box:
                        row["life_cpu_ms"].append((ru_box[0].ru_utime + ru_box[0].ru_stime) * 1000)
                finally:
                    REG.stop(proc, timeout=10.0)
    for label, by_n in out["runs"].items():
        for n, row in by_n.items():
            for k in list(row):
                if isinstance(row[k], list):
                    row[k] = summary(row[k])
        small = by_n.get(str(min(sizes)))
        for n, row in by_n.items():
            if small and int(n) > min(sizes) and row["rss_mb"] and small["rss_mb"]:
                row["rss_kb_per_extra_service"] = (row["rss_mb"]["median"] - small["rss_mb"]["median"]) \
                    * 1024 / (int(n) - min(sizes))
                row["status_ratio_to_smallest"] = row["status_ms"]["median"] / small["status_ms"]["median"]
    results["scenarios"]["scale"] = out


# --- idle-ref: the reference deployment idle ------------------------------------------------------

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def port_free(port):
    import socket
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def scenario_idle_ref():
    """The reference deployment (conf/svd.conf: nginx + gunicorn/Django with readiness and health
    probes, the site's certificate and its renewal job) run as packaging/run-demo runs it, once per
    JDK side by side (and SVD_BASE_BIN's svd on JDK 17 when given), each in its own deployment
    directory and ports, its ACME server a closed loopback port (nothing reaches the internet; svd
    keeps its placeholder certificate). Once both services run: settle, then RSS and CPU of svd
    alone (its services are not counted)."""
    settle, window = (10, 20) if QUICK else (20, 60)
    for tool in ("nginx", "gunicorn"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            raise RuntimeError(f"idle-ref needs {tool}: run packaging/ensure-packages nginx gunicorn "
                               "python3-django certbot openssl")
    variants = [("svd (JDK 17)", ENV["JAVA17_HOME"], ENV.get("SVD_BIN"))]
    if ENV.get("JAVA25_HOME"):
        variants.append(("svd (JDK 25)", ENV["JAVA25_HOME"], ENV.get("SVD_BIN")))
    if ENV.get("SVD_BASE_BIN"):
        variants.append(("svd (base, JDK 17)", ENV["JAVA17_HOME"], ENV["SVD_BASE_BIN"]))
        if ENV.get("JAVA25_HOME"):
            variants.append(("svd (base, JDK 25)", ENV["JAVA25_HOME"], ENV["SVD_BASE_BIN"]))
    if ENV.get("BENCH_SVD_PROPOSED_OPTS"):
        for label, home, binary in list(variants[:2]):
            variants.append((label[:-1] + ", proposed flags)", home, binary))
    running = []
    out = {"settle_s": settle, "window_s": window, "runs": {},
           "proposed_opts": ENV.get("BENCH_SVD_PROPOSED_OPTS", "")}
    # nginx's workers (nobody) read the deployment directory: every directory above it needs o+x
    for path in (TMP, workdir("idle-ref")):
        os.chmod(path, 0o755)
    try:
        for i, (label, home, binary) in enumerate(variants):
            d = workdir("idle-ref", f"v{i}")
            os.chmod(d, 0o755)
            ports = {"SVD_STACK_APP_PORT": 18000 + 10 * i, "SVD_STACK_HTTP_PORT": 18081 + 10 * i,
                     "SVD_STACK_HTTPS_PORT": 18443 + 10 * i, "metrics": 19321 + 10 * i}
            busy = [p for p in ports.values() if not port_free(p)]
            if busy:
                raise RuntimeError(f"idle-ref: ports {busy} on 127.0.0.1 are taken")
            env = dict(os.environ)
            env.update({k: str(v) for k, v in ports.items() if k.startswith("SVD_")})
            env.update({"SVD_STACK_DIR": d, "SVD_STACK_METRICS_LISTEN": f"127.0.0.1:{ports['metrics']}",
                        "SVD_STACK_ACME_SERVER": f"https://127.0.0.1:{19400 + i}/dir",
                        "SVD_STACK_CERTBOT_CONFIG": os.path.join(d, "letsencrypt", "config"),
                        "SVD_STACK_CERTBOT_WORK": os.path.join(d, "letsencrypt", "work"),
                        "SVD_STACK_CERTBOT_LOGS": os.path.join(d, "letsencrypt", "logs"),
                        "SVD_JAVA_HOME": home})
            env.pop("SVD_JAVA_OPTS", None)
            if "proposed flags" in label:
                env["SVD_JAVA_OPTS"] = ENV["BENCH_SVD_PROPOSED_OPTS"]
            prep = subprocess.run([os.path.join(REPO, "conf", "stack", "prepare-stack")], env=env,
                                  capture_output=True, text=True)
            if prep.returncode != 0:
                raise RuntimeError(f"idle-ref: prepare-stack failed: {prep.stderr[-2000:]}")
            with open(os.path.join(d, "svd.out"), "ab") as f:
                proc = REG.spawn([binary, "--config", os.path.join(REPO, "conf", "svd.conf")], stdout=f,
                                 stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=d)
            running.append((label, proc, d))
        log(f"idle-ref: {', '.join(v[0] for v in variants)} side by side: up, settle {settle}s, "
            f"measure {window}s")
        svctl = os.path.join(os.path.dirname(ENV.get("SVD_BIN", "")), "svctl")
        for label, proc, d in running:
            def up():
                r = subprocess.run([svctl, "--socket", os.path.join(d, "svd.sock"), "status", "--json"],
                                   capture_output=True, text=True)
                if r.returncode != 0:
                    return False
                try:
                    data = json.loads(r.stdout)
                except ValueError:
                    return False
                rows = data.get("services", data) if isinstance(data, dict) else data
                states = {x.get("name"): x.get("state") for x in rows if isinstance(x, dict)}
                return states.get("gunicorn") == "running" and states.get("nginx") == "running"
            if procs.wait_until(up, 90.0, 0.5) is None:
                raise RuntimeError(f"idle-ref: {label}: gunicorn and nginx not running within 90 s:\n"
                                   f"{tail(os.path.join(d, 'svd.out'), 15)}")
        time.sleep(settle)
        first = {label: (procs.cpu_ticks(p.pid), procs.cpu_ns_schedstat(p.pid)) for label, p, _ in running}
        threads0 = {label: procs.thread_cpu_ns(p.pid) for label, p, _ in running}
        rss = {label: [] for label, _, _ in running}
        t_end = time.monotonic() + window
        while time.monotonic() < t_end:
            for label, p, _ in running:
                rss[label].append(procs.rss_kb(p.pid))
            time.sleep(min(5.0, max(0.0, t_end - time.monotonic())))
        for label, p, _ in running:
            rss[label].append(procs.rss_kb(p.pid))
            t0, n0 = first[label]
            t1 = procs.thread_cpu_ns(p.pid)
            busiest = sorted(((v - threads0[label].get(k, 0), k) for k, v in t1.items()), reverse=True)
            out["runs"][label] = {
                "rss_mb_end": rss[label][-1] / 1024, "rss_mb_max": max(rss[label]) / 1024,
                "cpu_ms_per_min_stat": (procs.cpu_ticks(p.pid) - t0) * 1000 / procs.CLK_TCK * 60 / window,
                # per thread, over the threads alive at the end: a thread that ended in the window
                # (Quartz's worker, a certificate check) took its whole life's time out of a total
                # taken as the difference of two sums, which made it lower than its busiest thread
                "cpu_ms_per_min_schedstat": sum(v - threads0[label].get(k, 0) for k, v in t1.items()) / 1e6 * 60 / window,
                "threads": len(os.listdir(f"/proc/{p.pid}/task")),
                "busiest_threads_ms_per_min": {k.split(" ", 1)[1]: round(v / 1e6 * 60 / window, 2)
                                               for v, k in busiest[:5]},
            }
    finally:
        for _, p, _ in running:
            REG.stop(p, timeout=15.0)
    results["scenarios"]["idle-ref"] = out


# --- report -----------------------------------------------------------------------------------

def fmt(s, unit_fmt="{:.1f}"):
    if not s:
        return "n/a"
    return f"{unit_fmt.format(s['median'])} ({unit_fmt.format(s['min'])}-{unit_fmt.format(s['max'])})"


def verdict(key, value):
    op, target, _ = TARGETS[key]
    if value is None:
        return f"{op} {target}: n/a"
    ok = value <= target if op == "<=" else value >= target
    return f"{op} {target}: {'met' if ok else 'MISSED'}"


def ratio(a, b):
    return a / b if a is not None and b else None


def fr(x, digits=3):
    return "n/a" if x is None else f"{x:.{digits}f}"


def report():
    lines = []
    sc = results["scenarios"]
    if "restart" in sc:
        r = sc["restart"]
        lines.append(f"1. restart after SIGKILL (kill -> new process's first instruction), ms, "
                     f"median (min-max) of {r['reps']}")
        for name, run in r["runs"].items():
            miss = f"  [{run['misses']} not restarted within 10 s]" if run["misses"] else ""
            gap = r.get("gap_s_by_supervisor", {}).get(name)
            gap = f"  (kills {gap} s apart)" if gap and gap != r["gap_s"] else ""
            lines.append(f"   {name:<14} {fmt(run['summary'], '{:.2f}')}{miss}{gap}")
        med = {k: (v["summary"] or {}).get("median") for k, v in r["runs"].items()}
        s = med.get("svd")
        r["ratios"] = {f"svd/{k}": ratio(s, v) for k, v in med.items() if k != "svd"}
        r["ratio_svd_to_supervisord"] = r["ratios"].get("svd/supervisord")
        lines.append("   " + "; ".join(f"{k} = {fr(v, 4)}" for k, v in r["ratios"].items()))
        lines.append(f"   target svd {verdict('restart_ms', s)}   (issue: {TARGETS['restart_ms'][2]})")
    if "start200" in sc:
        r = sc["start200"]
        lines.append(f"2. 200 services, supervisor exec -> 200th service's first instruction, s, "
                     f"median (min-max) of {r['reps']}")
        for name, run in r["runs"].items():
            lines.append(f"   {name:<14} {fmt(run['start'], '{:.3f}')}   "
                         f"(stamp processes seen: {run['stamp_processes_seen']})")
        s = r["runs"]["svd"]
        r["start_ratios"] = {f"svd/{k}": ratio(s["start"]["median"], r["runs"][k]["start"]["median"])
                             for k in peers(r["runs"])}
        r["start_ratio_svd_to_supervisord"] = r["start_ratios"].get("svd/supervisord")
        lines.append("   " + "; ".join(f"{k} = {fr(v)}" for k, v in r["start_ratios"].items()) +
                     f"; target svd {verdict('start200_s', s['start']['median'])}   "
                     f"(issue: {TARGETS['start200_s'][2]})")
        lines.append(f"3. graceful stop of 200: SIGTERM -> supervisor exited and all 200 gone, s "
                     f"(cap {r['stop_cap_s']:.0f} s)")
        for name, run in r["runs"].items():
            cap = f"  [{run['stop_capped']} runs hit the cap]" if run["stop_capped"] else ""
            lines.append(f"   {name:<14} {fmt(run['stop'], '{:.3f}')}{cap}")
        r["stop_ratios"] = {f"svd/{k}": ratio(s["stop"]["median"], r["runs"][k]["stop"]["median"])
                            for k in peers(r["runs"])}
        r["stop_ratio_svd_to_supervisord"] = r["stop_ratios"].get("svd/supervisord")
        lines.append("   " + "; ".join(f"{k} = {fr(v)}" for k, v in r["stop_ratios"].items()) +
                     f"; target svd {verdict('stop200_s', s['stop']['median'])}   "
                     f"(issue: {TARGETS['stop200_s'][2]})")
    if "output" in sc:
        r = sc["output"]
        lines.append(f"4. output capture, {r['bytes']:,} bytes of 100-byte lines, MB/s, median "
                     f"(min-max) of {r['reps']}; floor = writer | cat > file, direct = writer > file")
        for mode, res in r["modes"].items():
            label = "64 KiB writes" if mode == "chunk" else "one write per line"
            lines.append(f"   {label}:")
            for name, run in res.items():
                extra = ""
                if name != "floor":
                    rt = run.get("ratio_to_floor")
                    extra = f"   {rt:.2f}x floor" if rt else ""
                    if run.get("ratio_to_direct"):
                        extra += f", {run['ratio_to_direct']:.2f}x direct"
                    if run.get("paired_ratios"):
                        extra += f" (floor per rep: {', '.join(f'{x:.2f}' for x in run['paired_ratios'])})"
                if run.get("note"):
                    extra += f"   {run['note']}"
                    if run.get("writer_side"):
                        extra += (f"; writer's own rate into the pipe: "
                                  f"{fmt(run['writer_side'], '{:.0f}')}")
                lines.append(f"     {name:<12} {fmt(run['summary'], '{:.0f}')}{extra}")
                if run.get("reader_cpu_ms"):
                    who = {"floor": "cat", "direct": "the writer (no reader)"}.get(name, name)
                    lines.append(f"     {'':<12} CPU of {who} while reading: "
                                 f"{fmt(run['reader_cpu_ms'], '{:.0f}')} ms")
            vs = [f"svd/{k[9:]} {v:.2f}" for k, v in res["svd"].items()
                  if k.startswith("ratio_to_") and k not in ("ratio_to_floor", "ratio_to_direct") and v]
            if vs:
                lines.append("     throughput " + ", ".join(vs))
            ts = [f"svd-ts/{k[9:]} {v:.2f}" for k, v in res.get("svd-ts", {}).items()
                  if k in ("ratio_to_supervisord", "ratio_to_s6-ts") and v]
            if ts:
                lines.append("     records (svd's default) " + ", ".join(ts))
            if res["svd"].get("busiest_threads_cpu_ms"):
                lines.append("     svd's busiest threads while carrying the bytes (CPU ms, last rep): " +
                             ", ".join(f"{k} {v}" for k, v in res["svd"]["busiest_threads_cpu_ms"].items()))
            lines.append(f"     target svd {verdict('output_ratio', res['svd'].get('ratio_to_floor'))}"
                         f"   (issue: {TARGETS['output_ratio'][2]})")
    if "ctl" in sc:
        c = sc["ctl"]
        lines.append(f"6. status commands, each supervisor with 2 services (hyperfine, {c['runs']} runs), "
                     f"ms, median (min-max)")
        for k, v in c.get("summary_ms", {}).items():
            lines.append(f"   {k:<30} {fmt(v, '{:.1f}')}")
        lines.append("   " + "; ".join(f"{k} = {v:.2f}" for k, v in c.get("ratios", {}).items()))
        lines.append(f"   svctl/supervisorctl = {c['ratio']:.2f}; target {verdict('ctl_ratio', c['ratio'])}   "
                     f"(issue: {TARGETS['ctl_ratio'][2]})")
    if "idle" in sc:
        r = sc["idle"]
        lines.append(f"5. idle with 2 services: after {r['settle_s']} s, over {r['window_s']} s "
                     f"(s6: the sum over s6-svscan and its s6-supervise processes)")
        lines.append(f"   {'':<29} {'RSS end':>8} {'RSS max':>8} {'CPU ms/min':>11} "
                     f"{'(schedstat)':>11} {'threads':>7}")
        for name, run in r["runs"].items():
            lines.append(f"   {name:<29} {run['rss_mb_end']:>6.1f}MB {run['rss_mb_max']:>6.1f}MB "
                         f"{run['cpu_ms_per_min_stat']:>11.1f} {run['cpu_ms_per_min_schedstat']:>11.2f} "
                         f"{run['threads']:>7}")
        for name, run in r["runs"].items():
            if run["threads"] > 1:
                lines.append(f"   {name} busiest threads, ms/min: " + ", ".join(
                    f"{k} {v}" for k, v in run["busiest_threads_ms_per_min"].items()))
        if r.get("proposed_opts") and "svd (JDK 17, proposed flags)" in r["runs"]:
            lines.append(f"   proposed flags: {r['proposed_opts']}")
        s = r["runs"]["svd (JDK 17)"]
        for k in peers(r["runs"]):
            if k.startswith("svd"):
                continue
            p = r["runs"][k]
            cpu = (f"{s['cpu_ms_per_min_schedstat'] / p['cpu_ms_per_min_schedstat']:.2f} (schedstat)"
                   if p["cpu_ms_per_min_schedstat"] >= 0.01 else f"n/a ({k}: under 0.01 ms/min)")
            lines.append(f"   svd(17)/{k}: RSS {s['rss_mb_end'] / p['rss_mb_end']:.2f}, CPU {cpu}")
        lines.append(f"   target svd(17) RSS {verdict('idle_rss_mb', s['rss_mb_end'])}; CPU "
                     f"{verdict('idle_cpu_ms_per_min', s['cpu_ms_per_min_schedstat'])}   "
                     f"(issue: {TARGETS['idle_rss_mb'][2]}, {TARGETS['idle_cpu_ms_per_min'][2]})")
    if "scale" in sc:
        r = sc["scale"]
        lines.append(f"7. scale: N sleeping services, median (min-max) of {r['reps']}; svctl status: "
                     f"median of {r['status_runs']} runs each")
        lines.append(f"   {'':<12} {'N':>5} {'exec->all up s':>20} {'svd CPU to up ms':>20} "
                     f"{'RSS MB':>18} {'status ms':>18} {'stop s':>20} {'life CPU ms':>20}")
        for label, by_n in r["runs"].items():
            for n, row in by_n.items():
                lines.append(f"   {label:<12} {n:>5} {fmt(row['start_s'], '{:.3f}'):>20} "
                             f"{fmt(row['start_cpu_ms'], '{:.0f}'):>20} {fmt(row['rss_mb'], '{:.1f}'):>18} "
                             f"{fmt(row['status_ms'], '{:.0f}'):>18} {fmt(row['stop_s'], '{:.3f}'):>20} "
                             f"{fmt(row['life_cpu_ms'], '{:.0f}'):>20}")
            for n, row in by_n.items():
                if "rss_kb_per_extra_service" in row:
                    lines.append(f"   {label}: {n}: {row['rss_kb_per_extra_service']:.1f} KB RSS per extra "
                                 f"service; status {row['status_ratio_to_smallest']:.2f}x its time with "
                                 f"{min(r['sizes'])}")
            row = by_n.get("2000")
            if row:
                lines.append(f"   target {label} 2,000: up {verdict('scale_up_s', row['start_s']['median'])}, "
                             f"stopped {verdict('scale_stop_s', row['stop_s']['median'])}, RSS/service "
                             f"{verdict('scale_kb_per_service', row.get('rss_kb_per_extra_service'))}, status "
                             f"{verdict('scale_status_ratio', row.get('status_ratio_to_smallest'))}")
            row = by_n.get("1000")
            if row:
                lines.append(f"   target {label} 1,000: up {verdict('scale_up_1000_s', row['start_s']['median'])}")
    if "idle-ref" in sc:
        r = sc["idle-ref"]
        lines.append(f"8. idle, the reference deployment (conf/svd.conf: nginx + gunicorn, probes, certificate and "
                     f"renewal job), svd alone: after {r['settle_s']} s, over {r['window_s']} s")
        lines.append(f"   {'':<34} {'RSS end':>8} {'RSS max':>8} {'CPU ms/min':>11} {'(schedstat)':>11} {'threads':>7}")
        for name, run in r["runs"].items():
            lines.append(f"   {name:<34} {run['rss_mb_end']:>6.1f}MB {run['rss_mb_max']:>6.1f}MB "
                         f"{run['cpu_ms_per_min_stat']:>11.1f} {run['cpu_ms_per_min_schedstat']:>11.2f} "
                         f"{run['threads']:>7}")
        for name, run in r["runs"].items():
            lines.append(f"   {name} busiest threads, ms/min: " + ", ".join(
                f"{k} {v}" for k, v in run["busiest_threads_ms_per_min"].items()))
        if r.get("proposed_opts"):
            lines.append(f"   proposed flags: {r['proposed_opts']}")
        for name, run in r["runs"].items():
            lines.append(f"   target {name}: RSS {verdict('ref_rss_mb', run['rss_mb_end'])}; CPU "
                         f"{verdict('ref_cpu_ms_per_min', run['cpu_ms_per_min_schedstat'])}")
    return "\n".join(lines)


def machine():
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"cores": os.cpu_count(), "cpu": model, "kernel": platform.release(),
            "loadavg_at_start": open("/proc/loadavg").read().split()[:3]}


SCENARIOS = {"restart": scenario_restart, "start200": scenario_start200, "stop200": scenario_start200,
             "output": scenario_output, "idle": scenario_idle, "ctl": scenario_ctl,
             "scale": scenario_scale, "idle-ref": scenario_idle_ref}


def main(argv):
    names = argv or ["restart", "start200", "output", "idle", "ctl", "scale", "idle-ref"]
    for n in names:
        if n not in SCENARIOS:
            sys.exit(f"bench: unknown scenario {n!r} (one of {', '.join(SCENARIOS)})")
    procs.become_subreaper()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    started = datetime.datetime.now(datetime.timezone.utc)
    results.update({"date": started.isoformat(timespec="seconds"), "machine": machine(),
                    "versions": json.loads(ENV.get("BENCH_VERSIONS", "{}")), "quick": QUICK})
    stamp = started.strftime("%Y%m%d-%H%M%S")
    path = os.path.join(ENV["BENCH_OUT"], f"results-{stamp}.json")
    try:
        for n in dict.fromkeys("start200" if n == "stop200" else n for n in names):
            t = time.monotonic()
            load0 = open("/proc/loadavg").read().split()[:3]
            try:
                SCENARIOS[n]()
                results["scenarios"][n]["loadavg_before_after"] = [
                    load0, open("/proc/loadavg").read().split()[:3]]
            except RuntimeError as e:
                log(f"{n}: FAILED: {e}")
                results["scenarios"][n] = {"error": str(e)}
            log(f"{n}: {time.monotonic() - t:.0f} s")
    finally:
        REG.cleanup()
        results["loadavg_at_end"] = open("/proc/loadavg").read().split()[:3]
        ok = {k: v for k, v in results["scenarios"].items() if "error" not in v}
        failed = {k: v for k, v in results["scenarios"].items() if "error" in v}
        results["scenarios"] = ok
        text = report()
        results["scenarios"].update(failed)
        results["table"] = text
        os.makedirs(ENV["BENCH_OUT"], exist_ok=True)
        with open(path, "w") as f:
            json.dump(results, f, indent=2)
        print(f"svd benchmark {results['date']} on {results['machine']['cores']} cores "
              f"({results['machine']['cpu']}), load {' '.join(results['machine']['loadavg_at_start'])}"
              f" at start, {' '.join(results['loadavg_at_end'])} at end")
        for k, v in results["versions"].items():
            print(f"  {k}: {v}")
        print(text)
        for k, v in failed.items():
            print(f"{k}: FAILED: {v['error']}")
        print(f"results: {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
