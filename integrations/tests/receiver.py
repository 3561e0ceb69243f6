"""A partner's webhook endpoint, served on loopback by a thread: it keeps every request and
answers with the statuses it is told, in turn (200 once they run out), or never answers."""

import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler

from tests.loopback import LoopbackServer


@dataclass(frozen=True)
class Received:
    headers: dict
    body: bytes

    @property
    def event(self) -> dict:
        return json.loads(self.body)


class Receiver(LoopbackServer):
    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.received: list[Received] = []
        self._lock = threading.Lock()
        super().__init__(self._handler())
        self.url = f"{self.base_url}/hooks/autosalon"

    @property
    def events(self) -> list[dict]:
        return [r.event for r in self.received]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.received.append(Received(dict(self.headers.items()), body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = b'{"ok": true}' if status < 300 else b"upstream trouble " * 200
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        return Handler


class SilentReceiver:
    """Accepts connections and never answers: every attempt times out."""

    def __init__(self):
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)  # the kernel completes the handshakes; nobody reads
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}/hooks"

    def stop(self) -> None:
        self._socket.close()
