"""Test fixture for svd's socket passing (docs/sockets.md): writes what it was given, then serves.

Usage: listen_report.py REPORT PIDFILE. Appends one JSON line to REPORT: its pid, the LISTEN_*,
NGINX and three test variables (two of them not shell names), every open descriptor above 2 with the address of each socket and whether
it is close-on-exec. Then answers each connection on fd 3 with its pid and a newline.
"""
import fcntl
import json
import os
import socket
import sys

report, pidfile = sys.argv[1], sys.argv[2]
with open(pidfile, "a") as f:
    f.write("%d\n" % os.getpid())
fds = {}
for name in sorted(os.listdir("/proc/self/fd"), key=int):
    fd = int(name)
    if fd <= 2:
        continue
    try:
        target = os.readlink("/proc/self/fd/%d" % fd)
    except OSError:
        continue  # the listing's own directory, closed by now
    entry = {"target": target, "cloexec": bool(fcntl.fcntl(fd, fcntl.F_GETFD) & fcntl.FD_CLOEXEC)}
    if target.startswith("socket:"):
        s = socket.socket(fileno=os.dup(fd))
        address = s.getsockname()
        entry["address"] = address if isinstance(address, str) else "%s:%d" % (address[0], address[1])
        entry["listening"] = bool(s.getsockopt(socket.SOL_SOCKET, socket.SO_ACCEPTCONN))
        s.close()
    fds[str(fd)] = entry
env = {k: os.environ.get(k) for k in ("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES", "NGINX", "FOO-BAR", "log.level", "PLAIN")}
with open(report, "a") as f:
    f.write(json.dumps({"pid": os.getpid(), "env": env, "fds": fds}) + "\n")
if os.environ.get("LISTEN_FDS"):
    listener = socket.socket(fileno=3)
    while True:
        conn, _ = listener.accept()
        conn.sendall(b"%d\n" % os.getpid())
        conn.close()
