# shellcheck shell=sh disable=SC2034,SC2154 # svd_prog and svd_home come from, java_* go to the launcher
# Shared by bin/svd and bin/svctl (sourced, POSIX sh): finds java 17+ and builds a class path.
# Functions set variables instead of printing, so that the launchers fork as little as possible
# (svctl is started many times a day). Described in docs/packaging.md.

# The newest java 17+ among $JAVA_HOME, `java` on PATH and /usr/lib/jvm/*, or exactly
# $SVD_JAVA_HOME when set. Sets java_bin, java_major and java_version (the full runtime version,
# e.g. 17.0.15+6-Debian-1deb12u1, which names svctl's archive). On a tie the first found wins.
# The JVM encodes file names and environment values (and svctl its output) in the locale's character
# set; under the POSIX locale (no LC_ALL, LC_CTYPE or LANG, as in most containers) that is ASCII, and
# every other character is lost or refused. With no locale set, both launchers give the JVM
# LC_CTYPE=C.UTF-8 (Debian's libc-bin has it); svd takes it away again from what its services get
# (SVD_LC_CTYPE_ADDED says so), so they see the environment svd was started with. docs/packaging.md.
svd_utf8_locale() {
    if [ -z "${LC_ALL:-}${LC_CTYPE:-}${LANG:-}" ]; then
        LC_CTYPE=C.UTF-8 SVD_LC_CTYPE_ADDED=1
        export LC_CTYPE SVD_LC_CTYPE_ADDED
    fi
}

svd_find_java() {
    java_bin='' java_major=0 java_version=''
    if [ -n "${SVD_JAVA_HOME:-}" ]; then
        svd_consider_java "$SVD_JAVA_HOME"
        [ -n "$java_bin" ] && return 0
        echo "$svd_prog: SVD_JAVA_HOME=$SVD_JAVA_HOME holds no java 17 or newer (bin/java and its release file or -version)" >&2
        return 1
    fi
    [ -n "${JAVA_HOME:-}" ] && svd_consider_java "$JAVA_HOME"
    if svd_path_java=$(command -v java 2>/dev/null); then
        svd_path_java=$(readlink -f -- "$svd_path_java" 2>/dev/null) || :
        svd_consider_java "${svd_path_java%/bin/java}"
    fi
    for svd_jvm_dir in /usr/lib/jvm/*; do
        svd_consider_java "$svd_jvm_dir"
    done
    [ -n "$java_bin" ] && return 0
    echo "$svd_prog: no java 17 or newer found (looked at JAVA_HOME=${JAVA_HOME:-<unset>}, java on PATH, /usr/lib/jvm/*);" \
        "install one, e.g. apt-get install openjdk-17-jre-headless, or set SVD_JAVA_HOME" >&2
    return 1
}

# $1: a java home. Keeps it when it is 17+ and newer than the best so far.
svd_consider_java() {
    [ -x "$1/bin/java" ] || return 0
    svd_read_release "$1" || svd_ask_java "$1" || return 0
    if [ "$v_major" -ge 17 ] && [ "$v_major" -gt "$java_major" ]; then
        java_bin=$1/bin/java java_major=$v_major java_version=$v_runtime
    fi
}

# $1: a java home. Reads its `release` file (JDK and JRE packages ship it), which is much cheaper
# than starting that java. Sets v_major and v_runtime.
svd_read_release() {
    [ -r "$1/release" ] || return 1
    v_full='' v_runtime=''
    while IFS='=' read -r svd_key svd_value; do
        svd_value=${svd_value#\"} svd_value=${svd_value%\"}
        case $svd_key in
            JAVA_VERSION) v_full=$svd_value ;;
            JAVA_RUNTIME_VERSION) v_runtime=$svd_value ;;
        esac
    done < "$1/release"
    [ -n "$v_full" ] || return 1
    svd_major "$v_full"
    v_runtime=${v_runtime:-$v_full}
}

# $1: a java home without a usable release file: asks `java -version` (tens of ms).
svd_ask_java() {
    svd_out=$("$1/bin/java" -Xshare:auto -XX:TieredStopAtLevel=1 -version 2>&1) || return 1
    case $svd_out in *'version "'*) ;; *) return 1 ;; esac
    v_full=${svd_out#*version \"} v_full=${v_full%%\"*}
    svd_major "$v_full"
    case $svd_out in
        *'(build '*) v_runtime=${svd_out#*(build } v_runtime=${v_runtime%%)*} ;;
        *) v_runtime=$v_full ;;
    esac
}

# $1: a version string: 17.0.15 -> 17, 25 -> 25, 1.8.0_392 -> 8. Sets v_major (0 if unreadable).
svd_major() {
    v_major=${1%%[!0-9]*}
    [ "$v_major" = 1 ] && { v_major=${1#1.}; v_major=${v_major%%[!0-9]*}; }
    v_major=${v_major:-0}
}

# $1: a file under lib/ written at package time, one line `lib/a.jar:lib/b.jar`, in a fixed order
# (class-data-sharing archives are only used with the class path they were made with).
# Sets classpath to the same with absolute paths under $svd_home.
svd_classpath() {
    if [ ! -r "$svd_home/lib/$1" ]; then
        echo "$svd_prog: $svd_home/lib/$1 is missing: this is not a complete svd distribution" >&2
        return 1
    fi
    svd_relative=''
    IFS= read -r svd_relative < "$svd_home/lib/$1" || :
    classpath=''
    svd_saved_ifs=$IFS IFS=:
    set -f
    # shellcheck disable=SC2086 # split on ':' on purpose
    for svd_entry in $svd_relative; do
        classpath=${classpath:+$classpath:}$svd_home/$svd_entry
    done
    set +f
    IFS=$svd_saved_ifs
}

# Execs the command in "$@", or with SVD_LAUNCHER_DRYRUN=1 prints it (shell-quoted) instead.
svd_exec() {
    if [ "${SVD_LAUNCHER_DRYRUN:-0}" = 1 ]; then
        for svd_arg in "$@"; do
            printf "'%s' " "$(printf '%s' "$svd_arg" | sed "s/'/'\\\\''/g")"
        done
        printf '\n'
        exit 0
    fi
    exec "$@"
}
