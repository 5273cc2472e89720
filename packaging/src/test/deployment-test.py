#!/usr/bin/env python3
"""Checks of the reference deployment's container files, run by `mvn verify` (packaging module).

No Docker engine or cluster runs here, so this checks what can be checked without one:
packaging/docker/Dockerfile (every COPY source exists and is not left out of the build context by
Dockerfile.dockerignore; ENTRYPOINT, CMD, STOPSIGNAL, HEALTHCHECK and EXPOSE are svd's; docker's
10 s stop grace period exceeds svd's stop budget), hadolint on it where installed, and
packaging/k8s/svd.yaml (it parses, with PyYAML where installed; its probes ask svd's /readyz; its
ports are the image's; its termination grace period exceeds the stop budget). Where nginx,
gunicorn and Django are installed, it also rehearses the image's build in a temporary directory:
the .deb extracted, the Dockerfile's COPY and ENV applied (absolute paths moved under that
directory), its conf/stack/prepare-stack run, then `svd --check /etc/svd/svd.conf` as the image would.

Usage: deployment-test.py REPOSITORY_ROOT
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

DOCKER_STOP_GRACE_S = 10          # docker stop's default --time
SVD_DEFAULT_STOP_BUDGET_S = 9.0   # docs/configuration.md, svd { stop-budget }
READYZ = "http://127.0.0.1:9321/readyz"   # conf/svd.conf's svd.http.listen; docs/metrics.md
READYZ_PROBE = {"path": "/readyz", "port": 9321}
HEALTHZ_PROBE = {"path": "/healthz", "port": 9321}   # liveness: svd answers (docs/packaging.md)
PATH = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"   # nginx is in /usr/sbin

failures = 0


def check(what, ok):
    global failures
    if ok:
        print("ok   " + what)
    else:
        print("FAIL " + what, file=sys.stderr)
        failures += 1
    return ok


def dockerfile_instructions(path):
    """(INSTRUCTION, arguments) pairs: comments dropped, continuation lines joined."""
    instructions, pending = [], ""
    with open(path, encoding="utf-8") as f:
        for line in f:
            stripped = line.strip()
            if not pending and (not stripped or stripped.startswith("#")):
                continue
            if pending and stripped.startswith("#"):
                continue                       # a comment inside a continued instruction
            if stripped.endswith("\\"):
                pending += stripped[:-1] + " "
                continue
            text = pending + stripped
            pending = ""
            word, _, rest = text.partition(" ")
            instructions.append((word.upper(), rest.strip()))
    return instructions


def dockerignore_excludes(patterns, path):
    """Whether the build context leaves PATH out: the last matching pattern decides, and a
    pattern that matches a parent directory matches everything below it (Docker's rules)."""
    excluded = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        regex = glob_regex(pattern.lstrip("!").strip("/"))
        parts = path.split("/")
        if any(regex.fullmatch("/".join(parts[:i])) for i in range(1, len(parts) + 1)):
            excluded = not negate
    return excluded


def glob_regex(pattern):
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def stop_budget_seconds(conf):
    """svd.stop-budget of CONF in seconds (its default when absent)."""
    with open(conf, encoding="utf-8") as f:
        text = f.read()
    match = re.search(r"^\s*stop-budget\s*=\s*(\d+(?:\.\d+)?)\s*(ms|s|m)\b", text, re.M)
    if not match:
        return SVD_DEFAULT_STOP_BUDGET_S
    return float(match.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[match.group(2)]


def check_dockerfile(root, budget):
    path = os.path.join(root, "packaging/docker/Dockerfile")
    instructions = dockerfile_instructions(path)
    by_name = {}
    for name, rest in instructions:
        by_name.setdefault(name, []).append(rest)
    check("Dockerfile: FROM debian:bookworm-slim", by_name.get("FROM") == ["debian:bookworm-slim"])

    args = {}
    for rest in by_name.get("ARG", []):
        name, _, default = rest.partition("=")
        args[name] = default
    with open(path + ".dockerignore", encoding="utf-8") as f:
        ignore = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    for name, rest in instructions:
        if name not in ("COPY", "ADD"):
            continue
        words = [w for w in rest.split() if not w.startswith("--")]
        if any(w.startswith("--from") for w in rest.split()):
            continue
        for source in words[:-1]:
            source = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), source)
            matches = glob.glob(os.path.join(root, source))
            if not check("Dockerfile: COPY source %s exists" % source, matches):
                continue
            files = []
            for match in matches:
                if os.path.isdir(match):
                    files += [os.path.join(d, f) for d, _, fs in os.walk(match) for f in fs]
                else:
                    files.append(match)
            left_out = [os.path.relpath(f, root) for f in files
                        if dockerignore_excludes(ignore, os.path.relpath(f, root))
                        and "__pycache__" not in f]
            check("Dockerfile: %s is in the build context (Dockerfile.dockerignore)%s"
                  % (source, " (left out: %s)" % left_out[:3] if left_out else ""), not left_out)

    def exec_form(name):
        values = by_name.get(name, [])
        if len(values) != 1:
            return None
        try:
            return json.loads(values[0])
        except ValueError:
            return None

    check("Dockerfile: ENTRYPOINT [\"/opt/svd/bin/svd\"]", exec_form("ENTRYPOINT") == ["/opt/svd/bin/svd"])
    check("Dockerfile: CMD [\"--config\", \"/etc/svd/svd.conf\"]",
          exec_form("CMD") == ["--config", "/etc/svd/svd.conf"])
    check("Dockerfile: STOPSIGNAL SIGTERM", by_name.get("STOPSIGNAL") == ["SIGTERM"])
    healthcheck = by_name.get("HEALTHCHECK", [""])
    _, _, health_cmd = healthcheck[0].partition(" CMD ")
    try:
        health_cmd = json.loads(health_cmd)
    except ValueError:
        health_cmd = None
    check("Dockerfile: one HEALTHCHECK asking svd's %s (was %s)" % (READYZ, healthcheck),
          len(healthcheck) == 1 and isinstance(health_cmd, list) and health_cmd[:1] == ["python3"]
          and any(READYZ in part for part in health_cmd))
    exposed = {p.split("/")[0] for rest in by_name.get("EXPOSE", []) for p in rest.split()}
    check("Dockerfile: EXPOSE 8081 8443 (was %s)" % sorted(exposed), exposed == {"8081", "8443"})
    runs = " ".join(by_name.get("RUN", []))
    check("Dockerfile: installs openjdk-17-jre-headless", "openjdk-17-jre-headless" in runs)
    check("Dockerfile: the systemctl shim on PATH",
          "ln -s /opt/svd/bin/systemctl /usr/local/bin/systemctl" in runs
          and os.path.isfile(os.path.join(root, "packaging/src/bin/systemctl")))
    check("Dockerfile: svd's stop budget %gs fits docker stop's %ds" % (budget, DOCKER_STOP_GRACE_S),
          budget < DOCKER_STOP_GRACE_S)

    rehearse_image(root, instructions, args)

    hadolint = shutil.which("hadolint")
    if hadolint:
        result = subprocess.run([hadolint, "--failure-threshold", "warning", path],
                                capture_output=True, text=True)
        check("hadolint Dockerfile%s" % (": " + result.stdout.strip() if result.returncode else ""),
              result.returncode == 0)
    else:
        print("skip hadolint: not installed")
    return exposed


def rehearse_image(root, instructions, args):
    django = subprocess.run(["/usr/bin/python3", "-c", "import django"], capture_output=True).returncode == 0 \
        if os.path.exists("/usr/bin/python3") else False
    missing = [tool for tool in ("dpkg-deb", "nginx", "gunicorn") if not shutil.which(tool, path=PATH)]
    if missing or not django:
        print("skip rehearsing the image's build: no %s" % " ".join(missing + ([] if django else ["python3-django"])))
        return
    with tempfile.TemporaryDirectory() as image:
        os.chmod(image, 0o755)   # prepare-stack checks that nginx's workers (nobody) can read below it
        env = dict(os.environ, PATH=PATH)
        moved = lambda value: image + value if value.startswith("/") else value
        for name, rest in instructions:
            rest = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), rest)
            words = [w for w in rest.split() if not w.startswith("--")]
            if name == "COPY" and words[0].endswith(".deb"):
                subprocess.run(["dpkg-deb", "--extract", os.path.join(root, words[0]), image], check=True)
            elif name == "COPY":
                source, target = os.path.join(root, words[0]), moved(words[1])
                if os.path.isdir(source):
                    shutil.copytree(source, target, dirs_exist_ok=True)
                else:
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    shutil.copyfile(source, target)
            elif name == "ENV":
                env.update((k, moved(v)) for k, _, v in (w.partition("=") for w in rest.split()))
            elif name == "RUN" and "/opt/svd/conf/stack/prepare-stack" in rest:
                result = subprocess.run(["bash", moved("/opt/svd/conf/stack/prepare-stack")],
                                        env=env, capture_output=True, text=True)
                check("image: conf/stack/prepare-stack runs from /opt/svd%s" % (
                    "" if result.returncode == 0 else " (exit %d: %s)" % (result.returncode, result.stderr[-400:])),
                    result.returncode == 0)
        result = subprocess.run([moved("/opt/svd/bin/svd"), "--check", moved("/etc/svd/svd.conf")],
                                env=env, capture_output=True, text=True)
        check("image: svd --check /etc/svd/svd.conf exits 0 (was %d: %s)" % (result.returncode, result.stderr[-400:]),
              result.returncode == 0)


def check_manifest(root, budget, exposed):
    path = os.path.join(root, "packaging/k8s/svd.yaml")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    check("svd.yaml: no tabs", "\t" not in text)
    try:
        import yaml
    except ImportError:
        # The structure, roughly, without a YAML parser.
        print("skip parsing svd.yaml: no PyYAML (apt-get install python3-yaml); structural checks only")
        for want in ("kind: Deployment", "kind: Service", "readinessProbe:", "livenessProbe:",
                     "terminationGracePeriodSeconds:", "containerPort: 8081", "containerPort: 8443"):
            check("svd.yaml has %s" % want, want in text)
        check("svd.yaml: probes ask /readyz", text.count("httpGet: {path: /readyz, port: 9321}") >= 2)
        check("svd.yaml: liveness asks /healthz", "httpGet: {path: /healthz, port: 9321}" in text)
        return
    try:
        documents = [d for d in yaml.safe_load_all(text) if d]
    except yaml.YAMLError as e:
        check("svd.yaml parses (%s)" % e, False)
        return
    kinds = {d.get("kind"): d for d in documents}
    check("svd.yaml parses: a Deployment and a Service (was %s)" % sorted(map(str, kinds)),
          set(kinds) == {"Deployment", "Service"})
    deployment, service = kinds.get("Deployment", {}), kinds.get("Service", {})
    pod = deployment.get("spec", {}).get("template", {})
    containers = pod.get("spec", {}).get("containers", [])
    if not check("svd.yaml: one container", len(containers) == 1):
        return
    container = containers[0]
    probes = {name: container.get(name, {}) for name in ("readinessProbe", "livenessProbe", "startupProbe")}
    for name in ("readinessProbe", "startupProbe"):
        check("svd.yaml: %s asks svd's /readyz" % name, probes[name].get("httpGet") == READYZ_PROBE)
    check("svd.yaml: livenessProbe asks svd's /healthz", probes["livenessProbe"].get("httpGet") == HEALTHZ_PROBE)
    env = {e.get("name"): e.get("value") for e in container.get("env", [])}
    check("svd.yaml: svd's listener on the pod's address for the kubelet (SVD_STACK_METRICS_LISTEN %s)"
          % env.get("SVD_STACK_METRICS_LISTEN"), env.get("SVD_STACK_METRICS_LISTEN") == "0.0.0.0:9321")
    check("svd.yaml: livenessProbe's period is longer than readinessProbe's",
          probes["livenessProbe"].get("periodSeconds", 10) > probes["readinessProbe"].get("periodSeconds", 10))
    grace = pod.get("spec", {}).get("terminationGracePeriodSeconds", 30)
    check("svd.yaml: terminationGracePeriodSeconds %s exceeds svd's stop budget %gs" % (grace, budget),
          isinstance(grace, int) and grace > budget)
    ports = {p.get("name"): p.get("containerPort") for p in container.get("ports", [])}
    check("svd.yaml: the container's ports are the image's EXPOSE (%s)" % sorted(ports.values()),
          {str(p) for p in ports.values()} == exposed)
    labels = pod.get("metadata", {}).get("labels", {})
    selector = deployment.get("spec", {}).get("selector", {}).get("matchLabels", {})
    check("svd.yaml: the Deployment selects its pods", selector and selector.items() <= labels.items())
    service_selector = service.get("spec", {}).get("selector", {})
    check("svd.yaml: the Service selects the pods", service_selector and service_selector.items() <= labels.items())
    targets = [p.get("targetPort") for p in service.get("spec", {}).get("ports", [])]
    check("svd.yaml: the Service's targetPorts are the container's (%s)" % targets,
          targets and all(t in ports or t in ports.values() for t in targets))


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: deployment-test.py REPOSITORY_ROOT")
    root = argv[1]
    conf = os.path.join(root, "conf/svd.conf")
    if check("conf/svd.conf exists (the image's /etc/svd/svd.conf)", os.path.isfile(conf)):
        budget = stop_budget_seconds(conf)
    else:
        budget = SVD_DEFAULT_STOP_BUDGET_S
    exposed = check_dockerfile(root, budget)
    check_manifest(root, budget, exposed)
    if failures:
        print("deployment-test: %d check(s) failed" % failures, file=sys.stderr)
        return 1
    print("deployment-test: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
