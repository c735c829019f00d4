"""An SMTP server for the load benchmark, in its own process (aiosmtpd): every mail received
is appended to a file as `recipient<TAB>Message-ID`, flushed at once.

    python -m bench.smtp_sink PORT FILE
"""

from __future__ import annotations

import signal
import sys
import threading
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path: str):
        self.out = open(path, "a", encoding="utf-8")  # noqa: SIM115 (open for the life of the process)
        self.lock = threading.Lock()
        self.parser = BytesHeaderParser()

    async def handle_DATA(self, server, session, envelope):
        # The headers only, with the compat32 policy: reading the Message-ID is all the
        # bench needs, and the full parse with the modern policy cost the sink ~1 ms a mail,
        # CPU taken from the service under test on this 2-core machine.
        message = self.parser.parsebytes(envelope.original_content)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.out.write(f"{recipient}\t{message['Message-ID']}\n")
            self.out.flush()
        return "250 OK"


def main() -> None:
    port, path = int(sys.argv[1]), sys.argv[2]
    controller = Controller(Sink(path), hostname="127.0.0.1", port=port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
