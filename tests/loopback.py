"""An HTTP server of a test's own on loopback (a stand-in provider, a partner's endpoint),
served by a thread. The thread only runs the server's loop: whatever a handler gets wrong
reaches the test as a wrong answer to its request, which the test asserts on."""

import contextlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer:
    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server_port = self._server.server_port
        self.base_url = f"http://127.0.0.1:{self.server_port}"

    def start(self):
        # Polled often, so that stopping takes milliseconds: the authorization matrix starts
        # one stand-in per test.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextlib.contextmanager
def recording_stylesheet_server() -> Iterator[tuple[LoopbackServer, list[str]]]:
    """A loopback server answering every GET with a stylesheet, and the paths it was asked
    for: a test of what must fetch nothing asserts that the list stays empty."""
    asked: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b'body::after { content: "FETCHED-OVER-HTTP" }')

        def log_message(self, *args):
            pass

    server = LoopbackServer(Recorder).start()
    try:
        yield server, asked
    finally:
        server.stop()
