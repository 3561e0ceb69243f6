"""The live feed as a client sees it, against a real ASGI server process: a ticket, a
subscription, and what arrives on it."""

import json
import time

import httpx
from websockets.sync.client import connect
from websockets.typing import Origin

from accounts.tokens import AccessToken


def bearer(user) -> dict:
    return {"Authorization": f"Bearer {AccessToken.for_user(user)}"}


def ticket_for(server, user) -> str:
    response = httpx.post(f"{server.url}/api/v1/auth/ws-ticket", headers=bearer(user))
    assert response.status_code == 201, response.text
    return response.json()["ticket"]


def subscribe(server, path: str, query: str = "", origin: str | None = None):
    return connect(
        f"{server.ws_url}/{path}{'?' + query if query else ''}",
        origin=Origin(origin or server.url),
        open_timeout=10,
    )


def receive(ws, timeout: float = 10) -> dict:
    return json.loads(ws.recv(timeout=timeout))


def receive_until(ws, predicate, timeout: float = 30) -> list[dict]:
    messages: list[dict] = []
    deadline = time.monotonic() + timeout
    while not messages or not predicate(messages[-1]):
        messages.append(receive(ws, timeout=max(deadline - time.monotonic(), 0.01)))
    return messages
