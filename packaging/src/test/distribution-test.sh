#!/usr/bin/env bash
# Checks of the distribution, run by `mvn verify` (packaging module, integration-test phase):
# the tarball unpacked into an empty directory, the launchers' syntax, the java commands they
# build (SVD_LAUNCHER_DRYRUN=1), svctl's lean class path and its class-data-sharing archive, a
# short real run of the demo, and the same on a JRE made by jlink with only the modules svd needs.
# Usage: distribution-test.sh TARBALL VERSION
set -euo pipefail
tarball=$1 version=$2
work=$(mktemp -d)
svd_pid=''
cleanup() {
    if [[ -n $svd_pid ]] && kill -0 "$svd_pid" 2>/dev/null; then kill -KILL "$svd_pid"; fi
    rm -rf -- "$work"
}
trap cleanup EXIT
# shellcheck source=SCRIPTDIR/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"

tar -C "$work" -xzf "$tarball"
home=$work/svd-$version
for f in bin/svd bin/svctl; do check "$f is executable" test -x "$home/$f"; done
for f in lib/launcher.sh lib/svd.classpath lib/svctl.classpath conf/demo.conf; do
    check "$f is there" test -s "$home/$f"
done
check "no svctl archive shipped" test ! -e "$home/lib/cds"
check "JNA native library shipped unpacked" test -s "$home/lib/native/linux-x86-64/libjnidispatch.so"

syntax_checker=$(command -v sh)
command -v dash >/dev/null && syntax_checker=dash
for f in bin/svd bin/svctl lib/launcher.sh; do check "$syntax_checker -n $f" "$syntax_checker" -n "$home/$f"; done

svctl_cp=$(cat "$home/lib/svctl.classpath")
check "svctl's class path is its jar and the protocol's ($svctl_cp)" \
    test "$svctl_cp" = "lib/supervisor-cli-$version.jar:lib/supervisor-protocol-$version.jar"
check "svctl's class path has no daemon library" lacks "nuprocess|jna|config-|logback|slf4j|supervisor-core" "$svctl_cp"
svd_cp=$(cat "$home/lib/svd.classpath")
check "svd's class path has the protocol jar ($svd_cp)" has "lib/supervisor-protocol-$version\.jar" "$svd_cp"
check "svd's class path has no svctl jar" lacks "supervisor-cli" "$svd_cp"

# svd: the command it would exec, with an argument holding a space.
dry=$(SVD_LAUNCHER_DRYRUN=1 SVD_JAVA_OPTS='-Dsvd.test=1 -Dsvd.other=2' "$home/bin/svd" --config "my svd.conf")
for want in "'-XX:+UseSerialGC'" "'-Xmx64m'" "'-Xss512k'" "'-XX:TieredStopAtLevel=1'" "'-XX:CICompilerCount=1'" \
    "'-XX:MaxMetaspaceSize=64m'" "'-XX:+ExitOnOutOfMemoryError'" "'-XX:-MaxFDLimit'" "'-XX:StringTableSize=4096'" "'-XX:SymbolTableSize=4096'" "'-Djna.platform.library.path='" "'-Dsvd.home=$home'" "'--add-exports' 'java.base/sun.nio.ch=ALL-UNNAMED'" \
    "'-Dsvd.test=1' '-Dsvd.other=2'" "'dev.svd.daemon.Svd' '--config' 'my svd.conf'" "$home/lib/jna-"; do
    check "svd command has $want" grep -qF -- "$want" <<<"$dry"
done
check "svd command has no -Xrs" lacks -Xrs "$dry"
check "svd command starts with a java" has "^'[^']*/bin/java' " "$dry"
check "svd --version is the package's version" has "^svd $version\$" "$("$home/bin/svd" --version 2>&1)"

# --enable-native-access: only from JDK 22 on.
for jdk in /usr/lib/jvm/*; do
    [[ -r $jdk/release && -x $jdk/bin/java && ! -L $jdk ]] || continue
    major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$jdk/release")
    if [[ -z $major ]] || ((major < 17)); then continue; fi
    dry=$(SVD_JAVA_HOME=$jdk SVD_LAUNCHER_DRYRUN=1 "$home/bin/svd")
    if ((major >= 22)); then
        check "JDK $major: svd gets --enable-native-access" has "'--enable-native-access=ALL-UNNAMED'" "$dry"
    else
        check "JDK $major: svd gets no --enable-native-access" lacks --enable-native-access "$dry"
    fi
    check "JDK $major: svd runs that java" grep -qF -- "'$jdk/bin/java'" <<<"$dry"
done

# svctl through a symlink elsewhere, as when installed on PATH.
mkdir "$work/path"
ln -s "$home/bin/svctl" "$work/path/svctl"
dry=$(SVD_LAUNCHER_DRYRUN=1 "$work/path/svctl" status web)
check "svctl via a symlink uses its own jar and the protocol's only" \
    grep -qF -- "'-cp' '$home/lib/supervisor-cli-$version.jar:$home/lib/supervisor-protocol-$version.jar' 'dev.svd.cli.Svctl' 'status' 'web'" <<<"$dry"

# svctl runs (the class may still be a stub: any exit code, but java must find the class),
# makes its archive on first use, and uses it the next time.
set +e
"$work/path/svctl" --help >"$work/out" 2>"$work/err"
set -e
check "svctl starts its class" lacks "Could not find or load main class|no java 17|Error: " "$(cat "$work/err")"
check "svctl made its archive on first use" has "svctl-.*\.(jsa|aot)$" "$(ls "$home/lib/cds")"
dry=$(SVD_LAUNCHER_DRYRUN=1 "$home/bin/svctl")
check "svctl uses its archive" has "-XX:(SharedArchiveFile|AOTCache)=$home/lib/cds/svctl-" "$dry"
dry=$(SVCTL_CDS=off SVD_LAUNCHER_DRYRUN=1 "$home/bin/svctl")
check "SVCTL_CDS=off runs without" lacks "SharedArchiveFile|AOTCache" "$dry"

# svd's own archive, for the java the launcher picks: made by SVD_CDS=train (at package or install
# time; never shipped), chosen by the launcher, and mapped by that JVM with the launcher's flags.
# On JDK 25 it is an AOT cache made without method profiles and cached code (docs/packaging.md).
dry=$(SVD_LAUNCHER_DRYRUN=1 "$home/bin/svd")
java_home=$(sed -n "s|^'\([^']*\)/bin/java' .*|\1|p" <<<"$dry")
major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$java_home/release")
SVD_CDS=train "$home/bin/svd" >"$work/train.out" 2>&1 || :
check "SVD_CDS=train made svd's archive for JDK $major ($(tr '\n' ' ' <"$work/train.out" | head -c 300))" \
    has "^svd-.*\.(jsa|aot)$" "$(ls "$home/lib/cds")"
dry=$(SVD_LAUNCHER_DRYRUN=1 "$home/bin/svd")
check "svd uses its archive" has "'-XX:(SharedArchiveFile|AOTCache)=$home/lib/cds/svd-" "$dry"
if ((major == 25)); then
    check "JDK 25: svd runs without replaying training data" has "'-XX:-AOTReplayTraining'" "$dry"
fi
log_tag=cds; ((major >= 25)) && log_tag=aot
check "JDK $major: svd's JVM maps the archive" has "Opened (archive|AOT cache) $home/lib/cds/svd-" \
    "$(SVD_JAVA_OPTS="-Xlog:$log_tag=info" "$home/bin/svd" --version 2>&1)"
dry=$(SVD_CDS=off SVD_LAUNCHER_DRYRUN=1 "$home/bin/svd")
check "SVD_CDS=off runs svd without" lacks "SharedArchiveFile|AOTCache" "$dry"

# svd --check on the demo configuration, once the daemon's main class exists.
mkdir -p "$work/demo/www"
set +e
SVD_DEMO_DIR=$work/demo "$home/bin/svd" --check "$home/conf/demo.conf" >"$work/out" 2>"$work/err"
rc=$?
set -e
if grep -q "Could not find or load main class dev.svd.daemon.Svd" "$work/err"; then
    echo "skip svd --check conf/demo.conf: dev.svd.daemon.Svd is not written yet"
else
    check "svd --check conf/demo.conf exits 0 (was $rc: $(head -c 300 "$work/err"))" test "$rc" = 0
fi

# The demo for real, from the unpacked tarball: svd on a copy of conf/demo.conf whose web server
# takes a free port (8765 may be taken on this machine), everything it writes in $work; both
# services running, the page served, then SIGTERM: svd stops both and exits 0.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
sed "s/\"8765\"/\"$port\"/" "$home/conf/demo.conf" >"$work/demo.conf"
check "the demo's copy serves on port $port" grep -qF "\"$port\"" "$work/demo.conf"

demo_run() {   # demo_run LABEL [VAR=VALUE...]: the environment of both svd and svctl
    local label=$1; shift
    local dir=$work/demo-run up=0 rc=0
    rm -rf -- "$dir"
    mkdir -p "$dir/www"
    echo "svd demo page" >"$dir/www/index.html"
    env "$@" SVD_DEMO_DIR="$dir" "$home/bin/svd" --config "$work/demo.conf" >"$work/demo.log" 2>&1 &
    svd_pid=$!
    for _ in $(seq 100); do   # up to ~30 s: svctl status exits 0 once every service is running
        if env "$@" SVD_SOCKET="$dir/svd.sock" "$home/bin/svctl" status >"$work/status" 2>&1; then up=1; break; fi
        kill -0 "$svd_pid" 2>/dev/null || break
        sleep 0.2
    done
    check "$label: svd runs the demo, svctl status exits 0 ($(tr '\n' ' ' <"$work/status" | head -c 300))" test "$up" = 1
    check "$label: the demo's web server answers on $port" has "svd demo page" "$(curl -fsS -m 5 "http://127.0.0.1:$port/" 2>&1)"
    env "$@" SVD_SOCKET="$dir/svd.sock" "$home/bin/svctl" version >"$work/version" 2>&1 || :
    check "$label: svctl version names both versions ($(tr '\n' ' ' <"$work/version"))" \
        grep -qzE "svctl $version .*svd $version" "$work/version"
    kill -TERM "$svd_pid"
    ( sleep 20; kill -KILL "$svd_pid" 2>/dev/null ) &   # a hung stop fails the check, not the build
    local watchdog=$!
    wait "$svd_pid" || rc=$?
    kill "$watchdog" 2>/dev/null || :
    wait "$watchdog" 2>/dev/null || :
    svd_pid=''
    check "$label: SIGTERM stops svd with exit 0 (was $rc; log: $(tail -n 5 "$work/demo.log" | tr '\n' ' ' | head -c 400))" test "$rc" = 0
    check "$label: nothing of the demo still serves on $port" lacks "svd demo page" "$(curl -sS -m 2 "http://127.0.0.1:$port/" 2>&1)"
}
if grep -q "Could not find or load main class dev.svd.daemon.Svd" "$work/err"; then
    echo "skip the demo run: dev.svd.daemon.Svd is not written yet"
else
    demo_run "tarball"
fi

# No locale at all (most containers): the launcher gives svd's JVM LC_CTYPE=C.UTF-8, so a non-ASCII
# environment value reaches the service unchanged and a non-ASCII log-dir can be made; the service
# gets the environment svd was started with (no LC_CTYPE, no marker). docs/packaging.md, "Locale".
loc=$work/locale-é
mkdir -p "$loc"
cat >"$loc/svd.conf" <<EOF
svd { state-dir = "$loc/state", socket = "$loc/svd.sock", log-dir = "$loc/journaux-é", stop-budget = 5s }
services.env { command = ["sh", "-c", "env > '$loc/env.out'; echo ready; exec sleep 600"], restart = never }
EOF
env -i PATH="$PATH" HOME="$HOME" GREETING='héllo wörld' "$home/bin/svd" --config "$loc/svd.conf" >"$work/locale.log" 2>&1 &
svd_pid=$!
for _ in $(seq 150); do   # up to ~30 s
    if [[ -s $loc/env.out ]] && grep -q ready "$loc/journaux-é/env.log" 2>/dev/null; then break; fi
    kill -0 "$svd_pid" 2>/dev/null || break
    sleep 0.2
done
check "no locale: the service got GREETING unchanged ($(grep -a GREETING "$loc/env.out" 2>&1 | head -c 200))" \
    grep -qx 'GREETING=héllo wörld' "$loc/env.out"
check "no locale: the service's environment has no LC_CTYPE or marker of svd's own" \
    lacks "^(LC_CTYPE|SVD_LC_CTYPE_ADDED)=" "$(cat "$loc/env.out" 2>&1)"
check "no locale: svd made and writes log-dir journaux-é" grep -q ready "$loc/journaux-é/env.log"
check "no locale: svd warns of no character set ($(head -c 300 "$work/locale.log"))" lacks "the locale makes" "$(cat "$work/locale.log")"
kill -TERM "$svd_pid" 2>/dev/null || :
( sleep 20; kill -KILL "$svd_pid" 2>/dev/null ) &
locale_watchdog=$!
rc=0
wait "$svd_pid" || rc=$?
kill "$locale_watchdog" 2>/dev/null || :
wait "$locale_watchdog" 2>/dev/null || :
svd_pid=''
check "no locale: SIGTERM stops svd with exit 0 (was $rc)" test "$rc" = 0

# "A machine with only a JRE": a runtime made by jlink with just the modules svd and svctl need
# (JDK 17, the oldest svd supports). This list is documented in docs/packaging.md; jdeps says
# whether the jars still need exactly these (if not: update both). The runtime is kept in target/
# between runs.
jre_modules=java.base,java.desktop,java.naming,java.rmi,java.sql,jdk.management,jdk.net,jdk.unsupported
jdk17=''
for jdk in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    if [[ -x $jdk/bin/jlink && -x $jdk/bin/jdeps && -r $jdk/release ]] && grep -q '^JAVA_VERSION="17[."]' "$jdk/release"; then
        jdk17=$jdk; break
    fi
done
if [[ -z $jdk17 ]]; then
    echo "skip the JRE-only run: no JDK 17 with jlink and jdeps in \$JAVA_HOME or /usr/lib/jvm"
else
    deps=$("$jdk17/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$home"/lib/*.jar)
    check "jdeps: the jars need exactly $jre_modules (was $deps)" test "$deps" = "$jre_modules"
    deps=$("$jdk17/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 \
        "$home/lib/supervisor-cli-$version.jar" "$home/lib/supervisor-protocol-$version.jar")
    check "jdeps: svctl needs java.base only (was $deps)" test "$deps" = java.base
    jre=$(cd "$(dirname "$tarball")" && pwd)/test-jre-17
    if [[ ! -x $jre/bin/java || $(cat "$jre.modules" 2>/dev/null) != "$jre_modules" ]]; then
        rm -rf -- "$jre" "$jre.tmp"
        "$jdk17/bin/jlink" --add-modules "$jre_modules" --strip-debug --no-header-files --no-man-pages --output "$jre.tmp"
        mv -- "$jre.tmp" "$jre"
        echo "$jre_modules" >"$jre.modules"
    fi
    check "the JRE has no javac" test ! -e "$jre/bin/javac"
    dry=$(SVD_JAVA_HOME=$jre SVD_LAUNCHER_DRYRUN=1 "$home/bin/svd")
    check "JRE only: svd runs its java" grep -qF -- "'$jre/bin/java'" <<<"$dry"
    set +e
    SVD_JAVA_HOME=$jre SVD_DEMO_DIR=$work/demo "$home/bin/svd" --check "$home/conf/demo.conf" >"$work/out" 2>"$work/err"
    rc=$?
    SVD_JAVA_HOME=$jre SVCTL_CDS=off "$home/bin/svctl" --help >"$work/out" 2>"$work/err-svctl"
    set -e
    check "JRE only: svd --check conf/demo.conf exits 0 (was $rc: $(head -c 300 "$work/err"))" test "$rc" = 0
    check "JRE only: svctl starts its class" lacks "Could not find or load main class|no java 17|Error: |NoClassDefFoundError" "$(cat "$work/err-svctl")"
    if grep -q "Could not find or load main class dev.svd.daemon.Svd" "$work/err"; then
        echo "skip the JRE-only demo run: dev.svd.daemon.Svd is not written yet"
    else
        demo_run "JRE only" SVD_JAVA_HOME="$jre"
    fi
fi

finish distribution-test
