"""A local SMTP sink for bench/mail-flush.sh: aiosmtpd on 127.0.0.1, accepts every message
and discards it, counting messages and connections. It offers PIPELINING (RFC 2920), as
Postfix does; aiosmtpd reads pipelined commands in order but does not say so by itself.

Usage: /usr/bin/python3 bench/mail-sink.py PORT_FILE
Writes the port it listens on to PORT_FILE, then serves until SIGTERM; each time a client
sends QUIT it writes "messages connections" to PORT_FILE.count.
"""

import asyncio
import os
import signal
import sys

from aiosmtpd.smtp import SMTP

PORT_FILE = sys.argv[1]
COUNTS = {"messages": 0, "connections": 0}


def save():
    tmp = PORT_FILE + ".count.tmp"
    with open(tmp, "w") as f:
        f.write("%d %d\n" % (COUNTS["messages"], COUNTS["connections"]))
    os.replace(tmp, PORT_FILE + ".count")


class Sink:
    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname  # aiosmtpd leaves it to a 5-argument hook
        responses.insert(len(responses) - 1, "250-PIPELINING")
        return responses

    async def handle_DATA(self, server, session, envelope):
        COUNTS["messages"] += 1
        return "250 2.0.0 OK"


class CountingSMTP(SMTP):
    def connection_made(self, transport):
        if self.transport is None:
            COUNTS["connections"] += 1
        super().connection_made(transport)

    async def smtp_QUIT(self, arg):
        save()
        await super().smtp_QUIT(arg)


async def main():
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    loop.add_signal_handler(signal.SIGTERM, stop.set_result, None)
    server = await loop.create_server(
        lambda: CountingSMTP(Sink(), hostname="localhost"), host="127.0.0.1", port=0)
    tmp = PORT_FILE + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.sockets[0].getsockname()[1])
    os.replace(tmp, PORT_FILE)
    async with server:
        await stop


asyncio.run(main())
