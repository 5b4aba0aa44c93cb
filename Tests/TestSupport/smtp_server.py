"""A real SMTP server for authctl's tests (aiosmtpd), driven by SMTPTestServer.swift.

Usage: /usr/bin/python3 smtp_server.py CONFIG_JSON SPOOL_DIR

CONFIG_JSON keys (all optional):
  tls: "none" | "starttls" | "implicit"; cert, key: PEM paths (needed for TLS)
  offer_starttls: bool (default true; false = no STARTTLS even with a certificate)
  auth_required: bool; username, password: the only credentials accepted
  auth_mechanisms: list of mechanisms to offer (default PLAIN and LOGIN)
  greeting_421: bool (every connection gets "421" and is closed)
  refuse_ehlo: bool (EHLO is answered "502", so clients must fall back to HELO)
  refuse_starttls: bool (STARTTLS is offered but answered "454")
  rcpt_replies: {address: code}; mail_from_replies: {sender: code}
  rcpt_sender_replies: {sender: code}: the sender refused at RCPT TO, with Postfix's text
    ("553 5.7.1 <sender>: Sender address rejected: not owned by user mailer"), as Postfix
    does with smtpd_delay_reject=yes (its default)
  drop_after_mail_from: bool (the connection is closed, unanswered, when MAIL FROM arrives)
  pipelining: bool (default true: PIPELINING is offered, as Postfix does; aiosmtpd reads
    pipelined commands in order either way)
  eightbitmime: bool (default true; false = 8BITMIME is not offered)
  data_reply: code at the end of DATA; hang_in_data: bool (never answer the end of DATA)
  reply_text: the text of every fault reply above (control characters and all)

It listens on 127.0.0.1 on an ephemeral port and prints "READY <port>" on stdout. Each accepted
message is written, before the final 250, as SPOOL_DIR/msg-NNNNNN.json: the envelope, the raw
bytes (base64) and Python's `email` decoding (policy=email.policy.default). SPOOL_DIR/state.json
holds the counters (connections, auth commands seen, RCPT refusals of a sender, RSET commands,
and commands that arrived while more input was already waiting: pipelined ones). The process exits when its stdin reaches
EOF or its parent dies, so it never outlives the test run.
"""

import asyncio
import base64
import email
import email.policy
import json
import os
import signal
import ssl
import sys
import threading
import time

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from server_support import watch_parent

CONFIG = json.loads(sys.argv[1])
SPOOL = sys.argv[2]
STATE = {"connections": 0, "auth_commands": 0, "messages": 0, "rcpt_sender_refusals": 0,
         "rsets": 0, "pipelined": 0}
LOCK = threading.Lock()


def write_json(name, value):
    tmp = os.path.join(SPOOL, "." + name + ".tmp")
    with open(tmp, "w") as f:
        json.dump(value, f)
    os.replace(tmp, os.path.join(SPOOL, name))


def save_state():
    with LOCK:
        write_json("state.json", STATE)


def decode(data):
    msg = email.message_from_bytes(data, policy=email.policy.default)
    try:
        body = msg.get_content()
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        body = body.replace("\r\n", "\n")  # SMTP carries CRLF; compare text with LF
    except Exception as e:  # a test may send something Python cannot decode
        body = None
        STATE.setdefault("decode_errors", []).append(repr(e))
    return {
        "subject": str(msg.get("subject", "")),
        "from": str(msg.get("from", "")),
        "to": str(msg.get("to", "")),
        "body": body,
        "headers": [[k, str(v)] for k, v in msg.items()],
    }


POSTFIX_SENDER_TEXTS = {553: "5.7.1 <%s>: Sender address rejected: not owned by user mailer",
                        554: "5.7.1 <%s>: Sender address rejected: Access denied",
                        550: "5.7.1 <%s>: Sender address rejected: Access denied",
                        450: "4.7.1 <%s>: Sender address rejected: try again later"}


def reply_for(code, what):
    if "reply_text" in CONFIG:
        return "%d %s" % (code, CONFIG["reply_text"])
    texts = {421: "4.3.2 service not available", 451: "4.3.0 try again later",
             550: "5.1.1 mailbox unavailable", 552: "5.3.4 message too big",
             554: "5.7.1 refused"}
    return "%d %s (%s)" % (code, texts.get(code, "test fault"), what)


class Handler:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # aiosmtpd leaves it to a 5-argument hook
        if not CONFIG.get("eightbitmime", True):
            responses = [r for r in responses if r[4:] != "8BITMIME"]
        if CONFIG.get("pipelining", True):
            responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_MAIL(self, server, session, envelope, address, options):
        code = CONFIG.get("mail_from_replies", {}).get(address)
        if code:
            return reply_for(code, address)
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):
        code = CONFIG.get("rcpt_sender_replies", {}).get(envelope.mail_from)
        if code:
            with LOCK:
                STATE["rcpt_sender_refusals"] += 1
            save_state()
            if "reply_text" in CONFIG:
                return reply_for(code, address)
            return "%d %s" % (code, POSTFIX_SENDER_TEXTS.get(code, "5.7.1 <%s>: Sender address "
                                                           "rejected") % envelope.mail_from)
        code = CONFIG.get("rcpt_replies", {}).get(address)
        if code:
            return reply_for(code, address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if CONFIG.get("hang_in_data"):
            await asyncio.sleep(3600)
        code = CONFIG.get("data_reply")
        if code:
            return reply_for(code, "data")
        data = envelope.original_content or envelope.content
        with LOCK:
            STATE["messages"] += 1
            n = STATE["messages"]
        record = {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos),
                  "data": base64.b64encode(data).decode("ascii"),
                  "tls": session.ssl is not None or CONFIG.get("tls") == "implicit"}
        record.update(decode(data))
        write_json("msg-%06d.json" % n, record)
        save_state()
        return "250 2.0.0 queued as %d" % n


class TestSMTP(SMTP):
    def connection_made(self, transport):
        if self.transport is None:  # not the STARTTLS re-entry
            with LOCK:
                STATE["connections"] += 1
            save_state()
        super().connection_made(transport)

    async def _handle_client(self):
        if CONFIG.get("greeting_421"):
            await self.push(reply_for(421, "greeting"))
            self.transport.close()
            return
        await super()._handle_client()

    async def _call_handler_hook(self, command, *args):
        # A command read while more input already waits in the buffer came pipelined.
        if command in ("MAIL", "RCPT", "RSET") and len(self._reader._buffer) > 0:
            with LOCK:
                STATE["pipelined"] += 1
            save_state()
        return await super()._call_handler_hook(command, *args)

    async def smtp_MAIL(self, arg):
        if CONFIG.get("drop_after_mail_from"):
            self.transport.close()
            return
        await super().smtp_MAIL(arg)

    async def smtp_RSET(self, arg):
        with LOCK:
            STATE["rsets"] += 1
        save_state()
        await super().smtp_RSET(arg)

    async def smtp_EHLO(self, hostname):
        if CONFIG.get("refuse_ehlo"):
            await self.push("502 5.5.1 EHLO not implemented (test fault)")
            return
        await super().smtp_EHLO(hostname)

    async def smtp_STARTTLS(self, arg):
        if CONFIG.get("refuse_starttls"):
            await self.push("454 4.7.0 TLS not available due to temporary reason (test fault)")
            return
        await super().smtp_STARTTLS(arg)

    async def smtp_AUTH(self, arg):
        with LOCK:
            STATE["auth_commands"] += 1
        save_state()
        await super().smtp_AUTH(arg)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == CONFIG.get("username", "").encode()
          and auth_data.password == CONFIG.get("password", "").encode())
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 535


def server_context():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(CONFIG["cert"], CONFIG["key"])
    return ctx


def factory():
    tls = CONFIG.get("tls", "none")
    kwargs = {"hostname": "localhost", "auth_require_tls": False, "timeout": 600,
              "authenticator": authenticator,
              "auth_required": bool(CONFIG.get("auth_required"))}
    mechanisms = CONFIG.get("auth_mechanisms")
    if mechanisms is not None:
        kwargs["auth_exclude_mechanism"] = [m for m in ("PLAIN", "LOGIN") if m not in mechanisms]
    if tls == "starttls" and CONFIG.get("offer_starttls", True):
        kwargs["tls_context"] = server_context()
    return TestSMTP(Handler(), **kwargs)


async def main():
    watch_parent()
    save_state()
    ctx = server_context() if CONFIG.get("tls") == "implicit" else None
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host="127.0.0.1", port=0, ssl=ctx)
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write("READY %d\n" % port)
    sys.stdout.flush()
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
