"""Where the server may send a webhook (docs/integrations.md, "Targets"): server-side
request forgery is refused. A target must be http(s) (https only where
WEBHOOKS_REQUIRE_HTTPS, as in production), and every address its host resolves to must be a
public one, unless it lies in WEBHOOKS_ALLOWED_NETWORKS (loopback, in development). The
check runs when a subscription is saved and again before every attempt, so that a host
whose DNS later points inside is refused then too."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

from common.exceptions import ApplicationError
from integrations.error_codes import IntegrationErrorCode


def _refused(url: str, why: str) -> ApplicationError:
    return ApplicationError(
        f"This target URL is not allowed: {why}.",
        code=IntegrationErrorCode.TARGET_URL_REFUSED,
        details={"url": [f"{why}."]},
    )


def _addresses(host: str, port: int) -> set:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValueError(f"{host} does not resolve") from exc
    addresses = set()
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        addresses.add(getattr(address, "ipv4_mapped", None) or address)
    return addresses


def target_check(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused(url, "it must be an http or https URL with a host")
    if settings.WEBHOOKS_REQUIRE_HTTPS and parts.scheme != "https":
        raise _refused(url, "it must use https")
    if parts.username or parts.password:
        raise _refused(url, "credentials do not belong in the URL")
    try:
        addresses = _addresses(parts.hostname, parts.port or 443)
    except ValueError as exc:
        raise _refused(url, str(exc)) from exc
    allowed = [ipaddress.ip_network(n, strict=False) for n in settings.WEBHOOKS_ALLOWED_NETWORKS]
    for address in addresses:
        if not address.is_global and not any(address in network for network in allowed):
            raise _refused(url, f"{parts.hostname} is a private or reserved address ({address})")
