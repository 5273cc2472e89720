#!/usr/bin/env bash
# Checks of the Debian package, run by `mvn verify` (packaging module, integration-test phase):
# its control data (dpkg-deb --info), its files (dpkg-deb --contents), its maintainer scripts, and
# the package extracted into an empty directory (dpkg-deb -x) checking its /etc/svd/svd.conf.
# Then, only where changing the machine is wanted, a real `dpkg -i`, checked and purged again
# (also when a check fails): as root, with CI=true or SVD_TEST_DPKG_INSTALL=1, and never when svd
# is already installed. SVD_TEST_DPKG_INSTALL=0 turns it off in CI too.
# Usage: deb-test.sh DEB VERSION
set -euo pipefail
deb=$1 version=$2
# shellcheck source=SCRIPTDIR/checks.sh
. "$(dirname "${BASH_SOURCE[0]}")/checks.sh"

if [[ ! -e $deb ]]; then
    echo "skip deb-test: no $deb (built with -Ddeb.skip=true?)"
    exit 0
fi
if ! command -v dpkg-deb >/dev/null; then
    echo "skip deb-test: no dpkg-deb on this machine"
    exit 0
fi
work=$(mktemp -d)
installed=0
cleanup() {
    if ((installed)); then dpkg --purge svd >/dev/null 2>&1 || echo "deb-test: dpkg --purge svd failed" >&2; fi
    rm -rf -- "$work"
}
trap cleanup EXIT

# Control data.
info=$(dpkg-deb --field "$deb")
depends='default-jre-headless (>= 2:1.17) | java17-runtime-headless | openjdk-17-jre-headless, libc6 (>= 2.34), util-linux, coreutils'
for want in "Package: svd" "Version: $version" "Architecture: all" "Depends: $depends" "Maintainer: " "Installed-Size: "; do
    check "control has $want" grep -qF -- "$want" <<<"$info"
done
dpkg-deb --control "$deb" "$work/DEBIAN"
check "conffiles is /etc/svd/svd.conf" test "$(cat "$work/DEBIAN/conffiles")" = /etc/svd/svd.conf
check "triggered by changes in /usr/lib/jvm" grep -qx "interest-noawait /usr/lib/jvm" "$work/DEBIAN/triggers"
syntax_checker=$(command -v sh)
command -v dash >/dev/null && syntax_checker=dash
for script in postinst prerm postrm; do
    check "$script is executable" test -x "$work/DEBIAN/$script"
    check "$syntax_checker -n $script" "$syntax_checker" -n "$work/DEBIAN/$script"
    if command -v shellcheck >/dev/null; then check "shellcheck $script" shellcheck -s sh "$work/DEBIAN/$script"; fi
    check "$script removes svctl's archives" grep -qE "rm -f /opt/svd/lib/cds/svctl-\*" "$work/DEBIAN/$script"
done
check "postinst trains svctl's archive" grep -qF "SVCTL_CDS=train /opt/svd/bin/svctl --help" "$work/DEBIAN/postinst"
check "postinst makes /var/log/svd and /var/lib/svd" grep -qF "mkdir -p /var/log/svd /var/lib/svd" "$work/DEBIAN/postinst"

# Files.
contents=$(dpkg-deb --contents "$deb")
for exe in svd svctl systemctl; do
    check "/opt/svd/bin/$exe is rwxr-xr-x root" has "^-rwxr-xr-x root/root .* \./opt/svd/bin/$exe$" "$contents"
done
for file in lib/launcher.sh lib/svd.classpath lib/svctl.classpath "lib/supervisor-core-$version.jar" \
    "lib/supervisor-cli-$version.jar" "lib/supervisor-protocol-$version.jar" conf/demo.conf docs/packaging.md; do
    check "/opt/svd/$file is rw-r--r-- root" has "^-rw-r--r-- root/root .* \./opt/svd/$file$" "$contents"
done
check "/opt/svd/lib/cds is an empty directory" test "$(grep -c '\./opt/svd/lib/cds/' <<<"$contents")" = 1
check "/etc/svd/svd.conf" has "^-rw-r--r-- root/root .* \./etc/svd/svd\.conf$" "$contents"
for link in svd svctl; do
    check "/usr/bin/$link -> /opt/svd/bin/$link" has " \./usr/bin/$link -> /opt/svd/bin/$link$" "$contents"
done
stray=$(awk '{print $6}' <<<"$contents" | grep -vE '^\./(opt/|opt/svd(/.*)?|etc/|etc/svd/.*|usr/|usr/bin/|usr/bin/svd|usr/bin/svctl)$' || :)
check "nothing outside /opt/svd, /etc/svd and the two links${stray:+ (found: $stray)}" test -z "$stray"

# Extracted into an empty directory: every jar on the class paths is there, and the launcher
# checks the package's configuration.
dpkg-deb --extract "$deb" "$work/root"
opt=$work/root/opt/svd
for cp in svd.classpath svctl.classpath; do
    missing=''
    mapfile -t jars < <(tr : "\n" <"$opt/lib/$cp")
    for jar in "${jars[@]}"; do [[ -f $opt/$jar ]] || missing="$missing $jar"; done
    check "every jar of lib/$cp is in the package${missing:+ (missing:$missing)}" test -z "$missing"
done
set +e
"$opt/bin/svd" --check "$work/root/etc/svd/svd.conf" >"$work/out" 2>"$work/err"
rc=$?
set -e
check "svd --check etc/svd/svd.conf exits 0 (was $rc: $(head -c 300 "$work/err"))" test "$rc" = 0

# A real installation, where that is wanted and safe.
status=$(dpkg-query -W -f='${Status}' svd 2>/dev/null || :)
if [[ ${SVD_TEST_DPKG_INSTALL:-} == 0 || (${CI:-} != true && ${SVD_TEST_DPKG_INSTALL:-} != 1) ]]; then
    echo "skip dpkg -i: only with CI=true or SVD_TEST_DPKG_INSTALL=1 (it installs into this machine, then purges)"
elif ((EUID != 0)); then
    echo "skip dpkg -i: not root"
elif [[ -n $status && $status != *not-installed ]] || [[ -e /opt/svd || -e /etc/svd ]]; then
    echo "skip dpkg -i: svd is already on this machine ($status); not touching it"
else
    installed=1
    set +e
    dpkg -i "$deb" >"$work/dpkg.log" 2>&1
    rc=$?
    set -e
    check "dpkg -i exits 0 (was $rc: $(tail -n 5 "$work/dpkg.log" | tr '\n' ' '))" test "$rc" = 0
    check "dpkg says svd is installed" test "$(dpkg-query -W -f='${Status}' svd)" = "install ok installed"
    set +e
    svd --check /etc/svd/svd.conf >"$work/out" 2>"$work/err"
    rc=$?
    set -e
    check "svd --check /etc/svd/svd.conf exits 0 (was $rc: $(head -c 300 "$work/err"))" test "$rc" = 0
    check "/usr/bin/svd is the package's" test "$(readlink -f "$(command -v svd)")" = /opt/svd/bin/svd
    check "postinst made /var/log/svd and /var/lib/svd" test -d /var/log/svd -a -d /var/lib/svd
    check "postinst made svctl's archive" has "svctl-.*\.(jsa|aot)$" "$(ls /opt/svd/lib/cds)"
    check "svctl uses it" has "-XX:(SharedArchiveFile|AOTCache)=/opt/svd/lib/cds/svctl-" \
        "$(SVD_LAUNCHER_DRYRUN=1 svctl status)"
    # The trigger: a change in /usr/lib/jvm makes the archive again.
    touch -d '2000-01-01' /opt/svd/lib/cds/svctl-*
    if dpkg-trigger --no-await /usr/lib/jvm && dpkg --triggers-only svd >>"$work/dpkg.log" 2>&1; then
        check "a /usr/lib/jvm trigger makes the archive again" \
            test -n "$(find /opt/svd/lib/cds -name 'svctl-*' -newermt '2001-01-01')"
    else
        fail "dpkg-trigger /usr/lib/jvm and dpkg --triggers-only svd ($(tail -n 3 "$work/dpkg.log" | tr '\n' ' '))"
    fi
    set +e
    dpkg --purge svd >"$work/dpkg.log" 2>&1
    rc=$?
    set -e
    installed=0
    check "dpkg --purge svd exits 0 (was $rc: $(tail -n 5 "$work/dpkg.log" | tr '\n' ' '))" test "$rc" = 0
    for gone in /opt/svd /etc/svd /var/lib/svd /var/log/svd /usr/bin/svd /usr/bin/svctl; do
        check "purge leaves no $gone" test ! -e "$gone" -a ! -L "$gone"
    done
fi

finish deb-test
