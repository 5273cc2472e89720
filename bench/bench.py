"""svd vs supervisord, side by side in one run. Called by bench/run, which installs the peers,
builds svd and compiles the C helpers; see docs/benchmarks.md.

usage: bench.py [restart|start200|output|idle ...]   (stop200 is measured with start200)
Environment (set by bench/run): BENCH_TMP, BENCH_BIN (compiled helpers), BENCH_OUT,
SVD_CLASSPATH or SVD_BIN, JAVA17_HOME, JAVA25_HOME (optional), BENCH_QUICK=1 for fewer reps.
"""
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time

import procs
from supervisors import Supervisord, Svd

ENV = os.environ
TMP = ENV["BENCH_TMP"]
BIN = ENV["BENCH_BIN"]
QUICK = ENV.get("BENCH_QUICK") == "1"
REG = procs.Registry(os.path.join(TMP, "pids"))

# Targets and the peers' figures measured earlier on this machine (issue 2, "Performance to
# design for").
TARGETS = {
    "restart_ms": ("<=", 5.0, "supervisord 1007 ms, s6 1005 ms, bare C loop 1.2 ms"),
    "start200_s": ("<=", 0.4, "supervisord 1.7 s, s6 0.42 s"),
    "stop200_s": ("<=", 0.5, "supervisord 38 s, s6 0.4 s"),
    "output_ratio": (">=", 0.95, "supervisord 0.94x (64 KiB) / 0.82x (per line)"),
    "idle_rss_mb": ("<=", 48.0, "supervisord 30 MB"),
    "idle_cpu_ms_per_min": ("<=", 8.5, "supervisord 8.5 ms/min"),
    "ctl_ratio": ("<=", 0.5, "supervisorctl status 133 ms"),
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
    return [Svd(workdir(kind_dir, "svd"), ENV), Supervisord(workdir(kind_dir, "supervisord"), ENV)]


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
        try:
            log(f"restart: {sup.label}, {reps} kills, {gap}s apart")
            samples, misses = restart_latency(lambda: proc.poll() is None, stamps, reps, gap,
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
                counts.append(sum(1 for c in kids.values() if c == "stamp"))
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


def wait_bytes(files_fn, stamps, deadline_after_end=5.0, timeout=120.0, records=False):
    """Waits until the files hold BYTES bytes. Returns (start_ns, done_ns or None, bytes seen).
    RECORDS: the files hold svd's records (log.timestamps), each line with a 34-byte head and a
    chunk's partial line split into two records: done when they hold at least BYTES plus the heads
    and have not grown for 0.1 s after the writer's end (the time of their last growth)."""
    t_limit = time.monotonic() + timeout
    end_seen_at = None
    need = BYTES + 34 * LINES if records else BYTES
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


def output_peers():
    """The readers next to cat: svd as the issue measures it (console off; timestamps off, so it
    splices), svd with log.timestamps (records), svd with the console on (the container default,
    timestamps off), and supervisord. (peer, configure() options)."""
    svd, supervisord = supervisors("output")
    return [(svd, {"timestamps": False}),
            (Svd(workdir("output", "svd-ts"), ENV, label="svd-ts"), {"timestamps": True}),
            (Svd(workdir("output", "svd-console"), ENV, label="svd-console"), {"timestamps": False, "console": True}),
            (supervisord, {})]


def scenario_output():
    reps = 1 if QUICK else 3
    writer = os.path.join(BIN, "writer")
    out = {"reps": reps, "bytes": BYTES, "line_bytes": 100, "unit": "MB/s (10^6 B/s)", "modes": {}}
    peers = output_peers()
    labels = [sup.label for sup, _ in peers]
    for mode in ("chunk", "line"):
        runs = {"floor": [], **{k: [] for k in labels}}
        notes = {}
        drains = {k: [] for k in labels}
        threads = {}
        cpu = {"floor": [], **{k: [] for k in labels}}
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
            for sup, options in peers:
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
                    start_writer(stamps, go, stale)
                    th0 = procs.thread_cpu_ns(proc.pid)
                    start, done, size, drain = wait_bytes(lambda: sup.log_files("writer"), stamps, records=records)
                    th1 = procs.thread_cpu_ns(proc.pid)
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
        for k in labels:
            s = res[k]["summary"]
            res[k]["ratio_to_floor"] = (s["median"] / floor["median"]) if s and floor else None
            # Each rep's own floor was measured just before it: the paired ratios cancel slow
            # changes of the machine's load better than the ratio of the medians.
            if s and floor:
                res[k]["paired_ratios"] = [round(a / b, 3) for a, b in zip(runs[k], runs["floor"])]
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
    running = []
    try:
        for sup in sups:
            sup.configure({"a": sleeper, "b": sleeper}, start_seconds="0s")
            running.append((sup, launch(sup)))
        log(f"idle: {', '.join(s.label for s in sups)} side by side: settle {settle}s, "
            f"measure {window}s")
        time.sleep(settle)
        first = {s.label: (procs.cpu_ticks(p.pid), procs.cpu_ns_schedstat(p.pid)) for s, p in running}
        threads0 = {s.label: procs.thread_cpu_ns(p.pid) for s, p in running}
        rss = {s.label: [] for s, _ in running}
        t_end = time.monotonic() + window
        while time.monotonic() < t_end:
            for s, p in running:
                rss[s.label].append(procs.rss_kb(p.pid))
            time.sleep(min(5.0, max(0.0, t_end - time.monotonic())))
        out = {"settle_s": settle, "window_s": window, "runs": {},
               "proposed_opts": ENV.get("BENCH_SVD_PROPOSED_OPTS", "")}
        for s, p in running:
            rss[s.label].append(procs.rss_kb(p.pid))
            ticks, ns = procs.cpu_ticks(p.pid), procs.cpu_ns_schedstat(p.pid)
            t0, n0 = first[s.label]
            kids = procs.descendants(p.pid)
            t1 = procs.thread_cpu_ns(p.pid)
            busiest = sorted(((v - threads0[s.label].get(k, 0), k) for k, v in t1.items()), reverse=True)
            out["runs"][s.label] = {
                "busiest_threads_ms_per_min": {k.split(" ", 1)[1]: round(v / 1e6 * 60 / window, 2)
                                               for v, k in busiest[:4]},
                "rss_mb_end": rss[s.label][-1] / 1024,
                "rss_mb_max": max(rss[s.label]) / 1024,
                "cpu_ms_per_min_stat": (ticks - t0) * 1000 / procs.CLK_TCK * 60 / window,
                "cpu_ms_per_min_schedstat": (ns - n0) / 1e6 * 60 / window,
                "children": len(kids),
                "threads": len(os.listdir(f"/proc/{p.pid}/task")),
            }
    finally:
        for _, p in running:
            REG.stop(p)
    results["scenarios"]["idle"] = out


def scenario_ctl():
    """`svctl status` against `supervisorctl status`, each supervising 2 services, timed by hyperfine."""
    runs = 10 if QUICK else 40
    svd = Svd(workdir("ctl", "svd"), ENV)
    sup = Supervisord(workdir("ctl", "supervisord"), ENV)
    sleeper = ["/bin/sleep", "100000"]
    running = []
    try:
        for s in (svd, sup):
            s.configure({"a": sleeper, "b": sleeper}, start_seconds="0s")
            running.append(launch(s))
        svd_sock = os.path.join(svd.dir, "svd.sock")
        svctl = os.path.join(os.path.dirname(ENV["SVD_BIN"]), "svctl") if ENV.get("SVD_BIN") else None
        if not svctl or not os.access(svctl, os.X_OK):
            raise RuntimeError("svctl needs the packaged launcher (SVD_BIN)")
        deadline = time.monotonic() + 60
        svd_cmd = f"{svctl} --socket {svd_sock} status"
        sup_cmd = f"supervisorctl -c {sup.conf} status"
        while time.monotonic() < deadline:
            a = subprocess.run(svd_cmd.split(), capture_output=True)
            b = subprocess.run(sup_cmd.split(), capture_output=True)
            if a.returncode == 0 and b.returncode == 0:
                break
            time.sleep(0.2)
        else:
            raise RuntimeError("svd or supervisord did not report both services running within 60 s")
        export = os.path.join(TMP, "ctl.json")
        subprocess.run(["hyperfine", "-N", "--warmup", "5", "--runs", str(runs), "--export-json", export,
                        svd_cmd, sup_cmd], check=True, capture_output=True)
        with open(export) as f:
            h = json.load(f)["results"]
        med = {"svctl status": h[0]["median"] * 1000, "supervisorctl status": h[1]["median"] * 1000}
        results["scenarios"]["ctl"] = {"runs": runs, "median_ms": med,
                                       "ratio": med["svctl status"] / med["supervisorctl status"]}
    finally:
        for p in running:
            REG.stop(p)


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


def report():
    lines = []
    sc = results["scenarios"]
    if "restart" in sc:
        r = sc["restart"]
        lines.append(f"1. restart after SIGKILL (kill -> new process's first instruction), ms, "
                     f"median (min-max) of {r['reps']}")
        s, p = r["runs"]["svd"]["summary"], r["runs"]["supervisord"]["summary"]
        for name, run in r["runs"].items():
            miss = f"  [{run['misses']} not restarted within 10 s]" if run["misses"] else ""
            lines.append(f"   {name:<14} {fmt(run['summary'], '{:.2f}')}{miss}")
        ratio = s["median"] / p["median"] if s and p else None
        r["ratio_svd_to_supervisord"] = ratio
        lines.append(f"   svd/supervisord = {ratio:.4f}" if ratio else "   svd/supervisord = n/a")
        lines.append(f"   target svd {verdict('restart_ms', s['median'] if s else None)}"
                     f"   (issue: {TARGETS['restart_ms'][2]})")
    if "start200" in sc:
        r = sc["start200"]
        s, p = r["runs"]["svd"], r["runs"]["supervisord"]
        lines.append(f"2. 200 services, supervisor exec -> 200th service's first instruction, s, "
                     f"median (min-max) of {r['reps']}")
        for name, run in r["runs"].items():
            lines.append(f"   {name:<14} {fmt(run['start'], '{:.3f}')}   "
                         f"(stamp processes seen: {run['stamp_processes_seen']})")
        ratio = s["start"]["median"] / p["start"]["median"]
        r["start_ratio_svd_to_supervisord"] = ratio
        lines.append(f"   svd/supervisord = {ratio:.3f}; target svd "
                     f"{verdict('start200_s', s['start']['median'])}   (issue: {TARGETS['start200_s'][2]})")
        lines.append(f"3. graceful stop of 200: SIGTERM -> supervisor exited and all 200 gone, s "
                     f"(cap {r['stop_cap_s']:.0f} s)")
        for name, run in r["runs"].items():
            cap = f"  [{run['stop_capped']} runs hit the cap]" if run["stop_capped"] else ""
            lines.append(f"   {name:<14} {fmt(run['stop'], '{:.3f}')}{cap}")
        ratio = s["stop"]["median"] / p["stop"]["median"]
        r["stop_ratio_svd_to_supervisord"] = ratio
        lines.append(f"   svd/supervisord = {ratio:.3f}; target svd "
                     f"{verdict('stop200_s', s['stop']['median'])}   (issue: {TARGETS['stop200_s'][2]})")
    if "output" in sc:
        r = sc["output"]
        lines.append(f"4. output capture, {r['bytes']:,} bytes of 100-byte lines, MB/s, median "
                     f"(min-max) of {r['reps']}")
        for mode, res in r["modes"].items():
            label = "64 KiB writes" if mode == "chunk" else "one write per line"
            lines.append(f"   {label}:")
            for name in [k for k in res if k == "floor"] + [k for k in res if k != "floor"]:
                run = res[name]
                extra = ""
                if name != "floor":
                    rt = run.get("ratio_to_floor")
                    extra = f"   {rt:.2f}x floor" if rt else ""
                    if run.get("paired_ratios"):
                        extra += f" (per rep: {', '.join(f'{x:.2f}' for x in run['paired_ratios'])})"
                if run.get("note"):
                    extra += f"   {run['note']}"
                    if run.get("writer_side"):
                        extra += (f"; writer's own rate into svd's pipe (output discarded): "
                                  f"{fmt(run['writer_side'], '{:.0f}')}")
                lines.append(f"     {name:<12} {fmt(run['summary'], '{:.0f}')}{extra}")
                if run.get("reader_cpu_ms"):
                    who = "cat" if name == "floor" else name
                    lines.append(f"     {'':<12} CPU of {who} while reading: "
                                 f"{fmt(run['reader_cpu_ms'], '{:.0f}')} ms")
            if res["svd"].get("busiest_threads_cpu_ms"):
                lines.append("     svd's busiest threads while carrying the bytes (CPU ms, last rep): " +
                             ", ".join(f"{k} {v}" for k, v in res["svd"]["busiest_threads_cpu_ms"].items()))
            lines.append(f"     target svd {verdict('output_ratio', res['svd'].get('ratio_to_floor'))}"
                         f"   (issue: {TARGETS['output_ratio'][2]})")
    if "ctl" in sc:
        c = sc["ctl"]
        lines.append(f"6. svctl status vs supervisorctl status (hyperfine, {c['runs']} runs), ms, median")
        for k, v in c["median_ms"].items():
            lines.append(f"   {k:<22} {v:.1f}")
        lines.append(f"   ratio = {c['ratio']:.2f}; target {verdict('ctl_ratio', c['ratio'])}   "
                     f"(issue: {TARGETS['ctl_ratio'][2]})")
    if "idle" in sc:
        r = sc["idle"]
        lines.append(f"5. idle with 2 services: after {r['settle_s']} s, over {r['window_s']} s")
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
        p = r["runs"]["supervisord"]
        lines.append(f"   svd(17)/supervisord: RSS {s['rss_mb_end'] / p['rss_mb_end']:.2f}, CPU "
                     f"{s['cpu_ms_per_min_schedstat'] / max(p['cpu_ms_per_min_schedstat'], 1e-9):.2f}"
                     " (schedstat)")
        lines.append(f"   target svd(17) RSS {verdict('idle_rss_mb', s['rss_mb_end'])}; CPU "
                     f"{verdict('idle_cpu_ms_per_min', s['cpu_ms_per_min_schedstat'])}   "
                     f"(issue: {TARGETS['idle_rss_mb'][2]}, {TARGETS['idle_cpu_ms_per_min'][2]})")
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
             "output": scenario_output, "idle": scenario_idle, "ctl": scenario_ctl}


def main(argv):
    names = argv or ["restart", "start200", "output", "idle", "ctl"]
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
