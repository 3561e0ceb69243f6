import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest


@pytest.fixture
def smsru():
    """A stand-in for SMS.ru's HTTP API (sms.ru/api/send), on a port of its own: it records
    each form it is sent and answers as SMS.ru does, with `answer_code` for the number (100:
    taken)."""

    class StandIn:
        received: list[dict] = []
        answer_code = 100
        url = ""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            form = parse_qs(body)
            StandIn.received.append(form)
            number = form["to"][0]
            taken = StandIn.answer_code == 100
            answer = {
                "status": "OK",
                "status_code": 100,
                "sms": {
                    number: {"status": "OK", "status_code": 100, "sms_id": "000000-10000000"}
                    if taken
                    else {
                        "status": "ERROR",
                        "status_code": StandIn.answer_code,
                        "status_text": "Неправильно указан номер телефона получателя",
                    }
                },
                "balance": 4122.56,
            }
            payload = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    StandIn.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    StandIn.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield StandIn
    server.shutdown()
    server.server_close()
