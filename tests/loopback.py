"""An HTTP server of a test's own on loopback (a stand-in provider, a partner's endpoint),
served by a thread. The thread only runs the server's loop: whatever a handler gets wrong
reaches the test as a wrong answer to its request, which the test asserts on."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class LoopbackServer:
    def __init__(self, handler: type[BaseHTTPRequestHandler]):
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"

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
