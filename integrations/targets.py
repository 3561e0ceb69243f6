"""Where the server may send a webhook (docs/integrations.md, "Targets"): server-side
request forgery is refused. A target must be http(s) (https only where
WEBHOOKS_REQUIRE_HTTPS, as in production), and every address its host resolves to must be a
public one, unless it lies in WEBHOOKS_ALLOWED_NETWORKS (loopback, in development). An IPv6
address that carries an IPv4 one (mapped, 6to4, Teredo, NAT64) is judged by both. The check
runs when a subscription is saved and again before every attempt, and the attempt connects
to an address this check resolved and judged, never to a second resolution of the name (DNS
rebinding; docs/integrations.md, "Targets")."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.api.exceptions import ApplicationError
from integrations.error_codes import IntegrationErrorCode


def _refused(url: str, why: str | Promise) -> ApplicationError:
    return ApplicationError(
        _("This target URL is not allowed: %(why)s.") % {"why": why},
        code=IntegrationErrorCode.TARGET_URL_REFUSED,
        details={"url": [f"{why}."]},
    )


NAT64 = ipaddress.ip_network("64:ff9b::/96")
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64, compatible)."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped or address.sixtofour:
        return address.ipv4_mapped or address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in NAT64 or int(address) < 2**32:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to, in the resolver's order, once each."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise ValueError(f"{host} does not resolve") from exc
    addresses: list[Address] = []
    for *_info, sockaddr in infos:
        host_address = sockaddr[0]
        if not isinstance(host_address, str):  # neither IPv4 nor IPv6, which TCP runs over
            continue
        address = ipaddress.ip_address(host_address.split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise ValueError(f"{host} does not resolve")
    return addresses


@dataclass(frozen=True)
class Target:
    """A target URL and the addresses its host resolved to when it was checked: the only
    ones to connect to."""

    url: str
    addresses: tuple[str, ...]


def target_check(url: str) -> Target:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused(url, _("it must be an http or https URL with a host"))
    if settings.WEBHOOKS_REQUIRE_HTTPS and parts.scheme != "https":
        raise _refused(url, _("it must use https"))
    if parts.username or parts.password:
        raise _refused(url, _("credentials do not belong in the URL"))
    try:
        addresses = _resolve(parts.hostname, parts.port or 443)
    except ValueError as exc:
        raise _refused(url, str(exc)) from exc
    allowed = [ipaddress.ip_network(n, strict=False) for n in settings.WEBHOOKS_ALLOWED_NETWORKS]
    for address in addresses:
        for judged in (address, _embedded_ipv4(address)):
            if judged is None or judged.is_global or any(judged in n for n in allowed):
                continue
            raise _refused(
                url,
                _("%(host)s is a private or reserved address (%(address)s)")
                % {"host": parts.hostname, "address": judged},
            )
    return Target(url=url, addresses=tuple(str(address) for address in addresses))
