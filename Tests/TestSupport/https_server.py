"""An HTTPS server for authctl's tests (http.server + ssl), driven by HTTPSTestServer.swift.

Usage: /usr/bin/python3 https_server.py CONFIG_JSON SPOOL_DIR

CONFIG_JSON keys:
  cert, key: PEM paths of the server's certificate and key (required)
  mode: "range" (default) answers GET /range/PREFIX as the Pwned Passwords range API does,
        from `corpus`; "status" answers every request with `status` and `body`;
        "echo" answers with the request as JSON; "hang" reads the request and never answers;
        "garbage" answers with bytes that are not HTTP
  corpus: {SHA1 hex: count} of the breached passwords ("range")
  padding: number of decoy lines of count 0 when the request says "Add-Padding: true"
  chunked: bool (the body in chunks, Transfer-Encoding: chunked; else Content-Length)
  close_delimited: bool (neither: the body ends when the connection closes)
  status, body: the reply of "status" mode

It listens on 127.0.0.1 on an ephemeral port and prints "READY <port>". Each request is
written, before it is answered, as SPOOL_DIR/req-NNNNNN.json: method, path, headers. The
process exits when its stdin reaches EOF or its parent dies.
"""

import http.server
import json
import os
import random
import signal
import ssl
import sys
import threading
import time

from server_support import watch_parent

CONFIG = json.loads(sys.argv[1])
SPOOL = sys.argv[2]
LOCK = threading.Lock()
COUNT = [0]


def record(handler):
    with LOCK:
        COUNT[0] += 1
        n = COUNT[0]
    entry = {"method": handler.command, "path": handler.path, "headers": list(handler.headers.items())}
    tmp = os.path.join(SPOOL, "req-%06d.tmp" % n)
    with open(tmp, "w") as f:
        json.dump(entry, f)
    os.rename(tmp, os.path.join(SPOOL, "req-%06d.json" % n))


def range_body(handler):
    prefix = handler.path.rsplit("/", 1)[-1].upper()
    lines = []
    for digest, count in CONFIG.get("corpus", {}).items():
        digest = digest.upper()
        if digest.startswith(prefix):
            lines.append("%s:%d" % (digest[5:], count))
    if handler.headers.get("Add-Padding", "").lower() == "true":
        for _ in range(CONFIG.get("padding", 50)):
            lines.append("%035X:0" % random.getrandbits(140))
    lines.sort()
    return 200, "\r\n".join(lines).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write(fmt % args + "\n")

    def do_GET(self):
        self.answer()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        self.request_body = self.rfile.read(length)
        self.answer()

    def answer(self):
        record(self)
        mode = CONFIG.get("mode", "range")
        if mode == "hang":
            time.sleep(3600)
            return
        if mode == "garbage":
            self.wfile.write(b"SMTP 220 not http at all\r\n\r\n")
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "range":
            if not self.path.startswith("/range/"):
                status, body = 404, b"not found"
            else:
                status, body = range_body(self)
        elif mode == "echo":
            status = 200
            body = json.dumps({
                "method": self.command, "path": self.path,
                "headers": list(self.headers.items()),
                "body": getattr(self, "request_body", b"").decode("utf-8", "replace"),
            }).encode()
        else:
            status, body = CONFIG.get("status", 500), CONFIG.get("body", "").encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        if CONFIG.get("chunked"):
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            step = max(1, len(body) // 3 + 1)
            for i in range(0, len(body), step):
                part = body[i:i + step]
                self.wfile.write(b"%x;ext=1\r\n%s\r\n" % (len(part), part))
            self.wfile.write(b"0\r\nX-Trailer: yes\r\n\r\n")
        elif CONFIG.get("close_delimited"):
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        self.wfile.flush()


def main():
    watch_parent()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(CONFIG["cert"], CONFIG["key"])
    server.socket = context.wrap_socket(server.socket, server_side=True)
    sys.stdout.write("READY %d\n" % server.server_address[1])
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
