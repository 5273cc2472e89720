"""A test server for probe ITs: GET /healthz answers 200 "ok host=..." while --healthy-file exists
(or always, without it), 503 otherwise; other paths 404. Optional delay, TLS, and a log line per
request ("request <path> <host>") and per TLS client hello ("sni <name>")."""
import argparse
import http.server
import os
import ssl
import threading
import time

p = argparse.ArgumentParser()
p.add_argument("--port", type=int, required=True)
p.add_argument("--healthy-file")
p.add_argument("--delay", type=float, default=0.0)
p.add_argument("--log")
p.add_argument("--cert")
p.add_argument("--key")
a = p.parse_args()
lock = threading.Lock()


def log(line):
    if a.log:
        with lock, open(a.log, "a") as f:
            f.write("%.6f %s\n" % (time.time(), line))


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        log("request %s %s" % (self.path, self.headers.get("Host")))
        if a.delay:
            time.sleep(a.delay)
        if self.path != "/healthz":
            status, body = 404, b"not found\n"
        elif a.healthy_file is None or os.path.exists(a.healthy_file):
            status, body = 200, b"ok host=" + self.headers.get("Host", "").encode() + b"\n"
        else:
            status, body = 503, b"unavailable\n"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.ThreadingHTTPServer.request_queue_size = 512  # the benchmark connects 200 at once
server = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
if a.cert:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    ctx.sni_callback = lambda sock, name, c: log("sni %s" % name)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
server.serve_forever()
