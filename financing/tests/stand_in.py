"""A stand-in for a partner bank's HTTP API, and the bank's signed callbacks, for the tests of
the HTTP bank (financing/banks/http.py): a server on a free port that records what it is sent
and checks our signature, an HTTP bank it serves, and a callback signed as the bank signs."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.urls import reverse

from financing import services
from financing.banks.http import signature, signed_headers
from financing.models import Bank, BankProgramme

SECRET = "stand-in-bank-secret"
OFFER = {"id": "cb-1", "kind": "offer", "reference": "BANK-1", "annual_rate": "13.50"}


class StandInBank:
    """A bank's API on a free port: it records what it is sent, checks our signature, and
    answers with a reference, or, `silent`, holds the request until the test ends (longer
    than the bank's timeout). Its thread only serves: every check is the test's own."""

    def __init__(self, secret: str = SECRET):
        self.secret = secret  # what it checks our signature with
        self.received: list[tuple[str, dict, bool]] = []
        self.silent = False
        self.released = threading.Event()
        bank = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers.get("X-Signature-Timestamp", "")
                signed = self.headers.get("X-Signature") == signature(bank.secret, timestamp, body)
                bank.received.append((self.path, json.loads(body), signed))
                if bank.silent:
                    bank.released.wait(timeout=10)
                answer = json.dumps({"reference": f"BANK-{len(bank.received)}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()


def http_bank_make(stand_in, *, code="stand-in", name="Stand-in Bank", rate="14.00") -> Bank:
    """An HTTP bank served by `stand_in`, with one programme for any car at `rate`."""
    bank = Bank.objects.create(
        name=name,
        legal_name=f"АО «{name}», ИНН 7700000099",
        code=code,
        adapter="http",
        endpoint=stand_in.url,
        timeout_seconds=1,
        answer_within_minutes=30,
    )
    bank = services.bank_secret_set(bank_id=bank.pk, secret=SECRET)
    BankProgramme.objects.create(
        bank=bank, name="Auto", annual_rate=rate, min_term_months=12, max_term_months=84
    )
    return bank


def callback(api_client, bank, body: dict, *, headers: dict | None = None, secret: str = SECRET):
    raw = json.dumps(body).encode()
    signed = signed_headers(secret, raw) if headers is None else headers
    return api_client.post(
        reverse("financing-bank-callback", args=[bank.code]),
        data=raw,
        content_type="application/json",
        headers={k: v for k, v in signed.items() if k != "Content-Type"},
    )
