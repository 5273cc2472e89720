# The check helpers of the packaging tests (sourced by distribution-test.sh and deb-test.sh):
# each check prints "ok   WHAT" or "FAIL WHAT" and counts failures; finish reports and exits.
failures=0
pass() { echo "ok   $1"; }
fail() { echo "FAIL $1" >&2; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }
has() { grep -qE -- "$1" <<<"$2"; }     # has REGEX TEXT
lacks() { ! has "$@"; }
finish() {   # finish NAME
    if ((failures)); then
        echo "$1: $failures check(s) failed" >&2
        exit 1
    fi
    echo "$1: all checks passed"
}
