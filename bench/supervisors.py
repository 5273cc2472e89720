"""The supervisors under test, each configured in its own directory and run in the foreground.

Svd: `$SVD_BIN --config FILE` (the packaged launcher, java chosen by SVD_JAVA_HOME) when SVD_BIN
names an executable, else java with the launcher's flags on the class path of a build.
Supervisord: `supervisord -n -c FILE`, its unix socket and every log in the directory.
S6: `s6-svscan SCANDIR` with one service directory per service (s6-supervise each), s6-log for
captured output; see the class.

Each class has `supervisor_pids(proc)`: the processes that are the supervisor (their RSS and CPU
are its cost): svd and supervisord are one process, s6 is s6-svscan plus one s6-supervise per
service (and s6-log per logged service).
"""
import json
import os
import shutil


def hocon_list(items):
    return "[" + ", ".join(json.dumps(str(i)) for i in items) + "]"


class Svd:
    name = "svd"

    def __init__(self, workdir, env, java_home=None, label="svd", java_opts=None):
        self.dir = workdir
        self.java_opts = java_opts
        self.env = env
        # BENCH_SVD_JAVA_HOME (bench/run: the JDK the launcher picks here) unless a scenario names one
        self.java_home = java_home or env.get("BENCH_SVD_JAVA_HOME") or env.get("JAVA17_HOME")
        self.label = label
        os.makedirs(workdir, exist_ok=True)
        self.logdir = os.path.join(workdir, "logs")
        self.conf = os.path.join(workdir, "svd.conf")
        self.stdout = os.path.join(workdir, "svd.out")

    def configure(self, services, *, start_seconds="0s", stable_after=None, restart="always",
                  console=True, max_size=None, stop_timeout="10s", timestamps=None):
        """SERVICES: {name: argv}. TIMESTAMPS: None keeps svd's default (log.timestamps)."""
        lines = ["svd {",
                 f"  socket = {json.dumps(os.path.join(self.dir, 'svd.sock'))}",
                 f"  log-dir = {json.dumps(self.logdir)}",
                 f"  state-dir = {json.dumps(os.path.join(self.dir, 'state'))}",
                 "}", "services {"]
        for name, argv in services.items():
            log = f"console = {'true' if console else 'false'}"
            if max_size:
                log += f", max-size = {max_size}, keep = 5"
            if timestamps is not None:
                log += f", timestamps = {'true' if timestamps else 'false'}"
            lines.append(f"  {name} {{")
            lines.append(f"    command = {hocon_list(argv)}")
            lines.append(f"    start-seconds = {start_seconds}")
            lines.append(f"    restart = {restart}")
            lines.append(f"    stop {{ signal = TERM, timeout = {stop_timeout} }}")
            if stable_after:
                lines.append(f"    backoff {{ stable-after = {stable_after} }}")
                # 20+ crashes in a row would otherwise trip the default start limit (5 in 60s).
                lines.append("    start-limit { burst = 1000, interval = 60s }")
            lines.append(f"    log {{ {log} }}")
            lines.append("  }")
        lines.append("}")
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")

    def argv(self):
        svd_bin = self.env.get("SVD_BIN", "")
        if svd_bin and os.access(svd_bin, os.X_OK):
            return [svd_bin, "--config", self.conf]
        java = os.path.join(self.java_home, "bin", "java")
        flags = ["-XX:+UseSerialGC", "-Xmx64m", "-Xss512k", "-XX:MaxMetaspaceSize=64m",
                 "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:+ExitOnOutOfMemoryError",
                 "-Djna.platform.library.path="]
        if java_major(self.java_home) >= 22:
            flags.insert(0, "--enable-native-access=ALL-UNNAMED")
        return [java, *flags, "-cp", self.env["SVD_CLASSPATH"], "dev.svd.daemon.Svd",
                "--config", self.conf]

    def spawn_env(self):
        env = dict(os.environ)
        env["SVD_JAVA_HOME"] = self.java_home
        if self.java_opts is not None:
            env["SVD_JAVA_OPTS"] = self.java_opts
        return env

    def supervisor_pids(self, proc):
        return [proc.pid]

    def log_files(self, service):
        """The service's log and its rotated files, if any."""
        if not os.path.isdir(self.logdir):
            return []
        return [os.path.join(self.logdir, f) for f in sorted(os.listdir(self.logdir))
                if f == f"{service}.log" or f.startswith(f"{service}.log.")]


class Supervisord:
    name = "supervisord"

    def __init__(self, workdir, env, label="supervisord"):
        self.dir = workdir
        self.env = env
        self.label = label
        os.makedirs(workdir, exist_ok=True)
        self.logdir = os.path.join(workdir, "logs")
        os.makedirs(self.logdir, exist_ok=True)
        self.conf = os.path.join(workdir, "supervisord.conf")
        self.stdout = os.path.join(workdir, "supervisord.out")

    def configure(self, services, *, start_seconds="0s", stable_after=None, restart="always",
                  console=True, max_size=None, stop_timeout="10s"):
        sock = os.path.join(self.dir, "supervisor.sock")
        autorestart = {"always": "true", "never": "false", "on-failure": "unexpected"}[restart]
        out = [
            "[unix_http_server]", f"file={sock}", "",
            "[supervisord]", f"logfile={os.path.join(self.dir, 'supervisord.log')}",
            f"pidfile={os.path.join(self.dir, 'supervisord.pid')}", f"childlogdir={self.logdir}",
            "nodaemon=true", "minfds=4096", "loglevel=info", "",
            "[rpcinterface:supervisor]",
            "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface", "",
            "[supervisorctl]", f"serverurl=unix://{sock}", "",
        ]
        for name, argv in services.items():
            out += [
                f"[program:{name}]",
                "command=" + " ".join(argv),
                f"startsecs={int(float(start_seconds.rstrip('s')))}",
                f"autorestart={autorestart}",
                "startretries=1000",
                "stopsignal=TERM",
                f"stopwaitsecs={int(stop_timeout.rstrip('s'))}",
                "stopasgroup=true", "killasgroup=true",
                f"stdout_logfile={os.path.join(self.logdir, name + '.log')}",
                f"stdout_logfile_maxbytes={0 if max_size else '10MB'}",
                "stdout_logfile_backups=5",
                f"stderr_logfile={os.path.join(self.logdir, name + '.err')}",
                "",
            ]
        with open(self.conf, "w") as f:
            f.write("\n".join(out))

    def argv(self):
        return [self.env.get("SUPERVISORD", "supervisord"), "-n", "-c", self.conf]

    def spawn_env(self):
        return dict(os.environ)

    def supervisor_pids(self, proc):
        return [proc.pid]

    def log_files(self, service):
        return [os.path.join(self.logdir, f) for f in sorted(os.listdir(self.logdir))
                if f == f"{service}.log" or f.startswith(f"{service}.log.")]


class S6:
    """skarnet's s6 (Debian's package): `s6-svscan SCANDIR`, which starts one s6-supervise per
    service directory. A service given as [stamp, FILE] gets `run` as a symlink to the stamp
    binary (exec'd with no argument: no shell between s6-supervise and the service, as svd and
    supervisord exec it directly too), `stamps` as a symlink to FILE and `notification-fd` 3, on
    which stamp notifies readiness (s6-svstat then says "ready"). Any other service gets a
    `#!/bin/sh` run script that execs it. Output: with console=False a `log/` directory whose run
    is s6-log writing into logs/NAME (`current` and rotated `@*.s`, no timestamps unless asked), else the
    service's output goes to s6-svscan's stdout, the equivalent of a console. restart="never":
    a `finish` that exits 125 (s6-supervise: permanent failure, not restarted). Stop: SIGTERM to
    s6-svscan, which brings every service down (TERM, then KILL after `timeout-kill`) and exits.
    s6-supervise restarts a service at once, unless its previous start was less than a second ago
    (then it waits for that second to pass: the restart scenario kills it more than 1 s apart)."""
    name = "s6"

    def __init__(self, workdir, env, label="s6"):
        self.dir = workdir
        self.env = env
        self.label = label
        os.makedirs(workdir, exist_ok=True)
        self.logdir = os.path.join(workdir, "logs")
        self.scan = os.path.join(workdir, "scan")
        self.conf = self.scan
        self.stdout = os.path.join(workdir, "s6.out")
        self.services = 0

    def configure(self, services, *, start_seconds="0s", stable_after=None, restart="always",
                  console=True, max_size=None, stop_timeout="10s", timestamps=None):
        """TIMESTAMPS: s6-log's `T` directive (each line prefixed with its ISO 8601 time, 31 bytes):
        the peer of svd's log.timestamps records."""
        shutil.rmtree(self.scan, ignore_errors=True)
        os.makedirs(self.scan)
        self.services = len(services)
        for name, argv in services.items():
            d = os.path.join(self.scan, name)
            os.makedirs(d)
            if len(argv) == 2 and os.path.basename(argv[0]) == "stamp":
                os.symlink(argv[0], os.path.join(d, "run"))
                os.symlink(argv[1], os.path.join(d, "stamps"))
                write(os.path.join(d, "notification-fd"), "3\n")
            else:
                write(os.path.join(d, "run"), "#!/bin/sh\nexec " + " ".join(argv) + "\n", 0o755)
            write(os.path.join(d, "timeout-kill"), f"{int(float(stop_timeout.rstrip('s')) * 1000)}\n")
            if restart == "never":
                write(os.path.join(d, "finish"), "#!/bin/sh\nexit 125\n", 0o755)
            if not console:
                logdir = os.path.join(self.logdir, name)
                # (kept: the harness deletes the previous run's files itself, at a time it chooses)
                os.makedirs(logdir, exist_ok=True)
                os.makedirs(os.path.join(d, "log"))
                # n20: keep 20 rotated files; s268435455: rotate at s6-log's largest size (256 MiB).
                stamp_lines = "T " if timestamps else ""
                write(os.path.join(d, "log", "run"),
                      f"#!/bin/sh\nexec s6-log -- {stamp_lines}n20 s268435455 {logdir}\n", 0o755)

    def argv(self):
        # -c: the most services it supervises (a logged service counts twice); default 1000.
        return [self.env.get("S6_SVSCAN", "s6-svscan"), "-c", str(max(1000, 2 * self.services + 10)),
                self.scan]

    def spawn_env(self):
        return dict(os.environ)

    def supervisor_pids(self, proc):
        import procs
        return [proc.pid] + [pid for pid, comm in procs.descendants(proc.pid).items()
                             if comm.startswith("s6-")]

    def log_files(self, service):
        d = os.path.join(self.logdir, service)
        if not os.path.isdir(d):
            return []
        return [os.path.join(d, f) for f in sorted(os.listdir(d))
                if f == "current" or (f.startswith("@") and f.endswith(".s"))]


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def java_major(java_home):
    try:
        with open(os.path.join(java_home, "release")) as f:
            for line in f:
                if line.startswith("JAVA_VERSION="):
                    v = line.split("=", 1)[1].strip().strip('"')
                    return int(v.split(".")[0])
    except (FileNotFoundError, ValueError):
        pass
    return 17
