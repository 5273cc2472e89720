#!/usr/bin/env bash
# Checks of the distribution, run by `mvn verify` (packaging module, integration-test phase):
# the tarball unpacked into an empty directory, the launchers' syntax, the java commands they
# build (SVD_LAUNCHER_DRYRUN=1), svctl's lean class path and its class-data-sharing archive.
# Usage: distribution-test.sh TARBALL VERSION
set -euo pipefail
tarball=$1 version=$2
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1" >&2; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
has() { grep -qE -- "$1" <<<"$2"; }     # has REGEX TEXT
lacks() { ! has "$@"; }

tar -C "$work" -xzf "$tarball"
home=$work/svd-$version
for f in bin/svd bin/svctl; do check "$f is executable" test -x "$home/$f"; done
for f in lib/launcher.sh lib/svd.classpath lib/svctl.classpath conf/demo.conf; do
    check "$f is there" test -s "$home/$f"
done
check "no svctl archive shipped" test ! -e "$home/lib/cds"

syntax_checker=$(command -v sh)
command -v dash >/dev/null && syntax_checker=dash
for f in bin/svd bin/svctl lib/launcher.sh; do check "$syntax_checker -n $f" "$syntax_checker" -n "$home/$f"; done

svctl_cp=$(cat "$home/lib/svctl.classpath")
check "svctl's class path has its jar ($svctl_cp)" has "supervisor-cli-$version\.jar" "$svctl_cp"
check "svctl's class path has no daemon library" lacks "nuprocess|jna|config-|logback|slf4j|supervisor-core" "$svctl_cp"

# svd: the command it would exec, with an argument holding a space.
dry=$(SVD_LAUNCHER_DRYRUN=1 SVD_JAVA_OPTS='-Dsvd.test=1 -Dsvd.other=2' "$home/bin/svd" --config "my svd.conf")
for want in "'-XX:+UseSerialGC'" "'-Xmx64m'" "'-Xss512k'" "'-XX:TieredStopAtLevel=1'" "'-XX:CICompilerCount=1'" \
    "'-XX:MaxMetaspaceSize=64m'" "'-XX:+ExitOnOutOfMemoryError'" "'-Dcom.zaxxer.nuprocess.enableShutdownHook=false'" \
    "'-Dsvd.test=1' '-Dsvd.other=2'" "'dev.svd.daemon.Svd' '--config' 'my svd.conf'" "$home/lib/nuprocess-"; do
    check "svd command has $want" grep -qF -- "$want" <<<"$dry"
done
check "svd command has no -Xrs" lacks -Xrs "$dry"
check "svd command starts with a java" has "^'[^']*/bin/java' " "$dry"

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
check "svctl via a symlink uses its own jar only" grep -qF -- "'-cp' '$home/lib/supervisor-cli-$version.jar' 'dev.svd.cli.Svctl' 'status' 'web'" <<<"$dry"

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

if ((failures)); then
    echo "distribution-test: $failures check(s) failed" >&2
    exit 1
fi
echo "distribution-test: all checks passed"
