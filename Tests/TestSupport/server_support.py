"""What the test servers (smtp_server.py, https_server.py) share."""

import os
import signal
import sys
import threading
import time


def watch_parent():
    """Exit when stdin reaches EOF (the test process closed it or died) or the parent is gone.

    The test process may spawn the server from a thread that blocks signals, and the mask is
    inherited: they are unblocked first, so SIGTERM from stop() works."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()

    def stdin_eof():
        while sys.stdin.buffer.read(4096):
            pass
        os._exit(0)

    def parent_gone():
        while True:
            if os.getppid() != parent:
                os._exit(0)
            time.sleep(0.5)

    threading.Thread(target=stdin_eof, daemon=True).start()
    threading.Thread(target=parent_gone, daemon=True).start()
