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
  mode "bot": Telegram's Bot API (POST /bot<token>/<method>, JSON): getMe answers
        `bot_username`; sendMessage is recorded as SPOOL/sent-NNNNNN.json ({chat_id, text})
        and answered by the next entry of the send script ({status, retry_after?,
        description?}; ok once the script is used up); getUpdates answers the updates whose
        update_id >= offset. Another token gets 401. The script and the updates come from
        `send_script` and `updates`, and are replaced by SPOOL/script.json and
        SPOOL/updates.json when a test writes them (read at each call).
  token, bot_username, send_script, updates: for "bot"

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


BOT = {"script": list(CONFIG.get("send_script", [])), "updates": list(CONFIG.get("updates", []))}


def spool_json(name):
    path = os.path.join(SPOOL, name)
    try:
        with open(path) as f:
            value = json.load(f)
    except FileNotFoundError:
        return None
    os.remove(path)
    return value


def write_record(prefix, entry):
    with LOCK:
        COUNT[0] += 1
        n = COUNT[0]
    tmp = os.path.join(SPOOL, "%s%06d.tmp" % (prefix, n))
    with open(tmp, "w") as f:
        json.dump(entry, f)
    os.rename(tmp, os.path.join(SPOOL, "%s%06d.json" % (prefix, n)))


def bot_error(status, description, retry_after=None):
    body = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return status, json.dumps(body).encode()


def bot_body(handler):
    prefix = "/bot%s/" % CONFIG.get("token", "")
    if handler.command != "POST" or not handler.path.startswith(prefix):
        return bot_error(401, "Unauthorized")
    method = handler.path[len(prefix):]
    try:
        args = json.loads(getattr(handler, "request_body", b"{}") or b"{}")
    except ValueError:
        return bot_error(400, "Bad Request: can't parse JSON")
    with LOCK:
        script = spool_json("script.json")
        if script is not None:
            BOT["script"] = script
        updates = spool_json("updates.json")
        if updates is not None:
            BOT["updates"] = updates
    if method == "getMe":
        result = {"id": int(CONFIG.get("token", "1:x").split(":")[0]), "is_bot": True,
                  "first_name": "authctl test", "username": CONFIG.get("bot_username", "authctl_test_bot")}
        return 200, json.dumps({"ok": True, "result": result}).encode()
    if method == "sendMessage":
        write_record("sent-", {"chat_id": args.get("chat_id"), "text": args.get("text")})
        with LOCK:
            step = BOT["script"].pop(0) if BOT["script"] else None
        if step and step.get("status", 200) != 200:
            return bot_error(step["status"], step.get("description", "error"), step.get("retry_after"))
        result = {"message_id": COUNT[0], "chat": {"id": args.get("chat_id"), "type": "private"},
                  "date": int(time.time()), "text": args.get("text")}
        return 200, json.dumps({"ok": True, "result": result}).encode()
    if method == "getUpdates":
        offset = args.get("offset")
        write_record("poll-", {"offset": offset, "limit": args.get("limit"),
                               "timeout": args.get("timeout"), "allowed_updates": args.get("allowed_updates")})
        with LOCK:
            items = [u for u in BOT["updates"] if offset is None or u["update_id"] >= offset]
        items = items[: args.get("limit", 100)]
        return 200, json.dumps({"ok": True, "result": items}).encode()
    return bot_error(404, "Not Found")


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
        elif mode == "bot":
            status, body = bot_body(self)
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
