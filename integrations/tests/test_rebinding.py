"""DNS rebinding (docs/integrations.md, "Targets"): an attempt resolves the target's name
once, judges every address, and connects to one it judged, with the name still in `Host`
and in TLS. DNS lies outside the project: the tests stand in for the resolver
(`socket.getaddrinfo`) and run real servers on loopback."""

import datetime
import socket
import ssl
import sys
from http.server import ThreadingHTTPServer

import certifi
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import transaction

from common.events import Event
from integrations import services
from integrations.models import WebhookAttempt, WebhookDelivery
from integrations.tests.receiver import Receiver

pytestmark = pytest.mark.django_db(databases="__all__")

PUBLIC = "93.184.215.14"  # a global address: nothing connects to it in these tests
REAL_GETADDRINFO = socket.getaddrinfo


def answer(address: str, port) -> list:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port or 0)))]


def host_header(received) -> str:
    return {name.lower(): value for name, value in received.headers.items()}["host"]


def send_one(admin_user, url: str) -> WebhookAttempt:
    services.subscription_create(
        owner_id=admin_user.pk, name="Partner", url=url, event_types=["order.*"]
    )
    with transaction.atomic(using="integrations"):
        services.deliveries_record(
            Event(
                type="order.created",
                aggregate_id="6d1c7a55-0000-4000-8000-0000000000c1",
                payload={},
            )
        )
    (delivery_id,) = services.deliveries_due()
    services.delivery_send(delivery_id=delivery_id)
    return WebhookAttempt.objects.get()


@pytest.fixture
def internal():
    """A service inside the network, on loopback, that must never be reached."""
    running = Receiver().start()
    yield running
    running.stop()


def test_a_name_that_rebinds_to_loopback_is_refused_at_send_time_and_nothing_reaches_it(
    admin_user, admin_client, internal, settings, monkeypatch
):
    settings.WEBHOOKS_ALLOWED_NETWORKS = []  # as in production
    port = internal.url.split(":")[2].split("/")[0]
    lookups = []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.example":
            return REAL_GETADDRINFO(host, *args, **kwargs)
        lookups.append(host)
        return answer(PUBLIC if len(lookups) == 1 else "127.0.0.1", args[0])

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)

    attempt = send_one(admin_user, f"http://rebind.example:{port}/hooks/autosalon")

    assert len(lookups) == 2  # on subscribing (public), on sending (loopback)
    assert internal.received == []
    assert (attempt.succeeded, attempt.status_code, attempt.response_excerpt) == (False, None, "")
    assert "private or reserved address (127.0.0.1)" in attempt.error
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1  # retried, checked again
    shown = admin_client.get(f"/api/v1/integrations/webhooks/{delivery.subscription_id}/deliveries")
    assert shown.json()["results"][0]["attempt_log"][0]["response_excerpt"] == ""


def test_an_attempt_connects_to_the_address_its_check_judged_never_to_another_resolution(
    admin_user, internal, settings, monkeypatch
):
    # Given a partner at 127.0.0.2 (allowed, standing in for a public address) and an
    # internal service on the same port at 127.0.0.1 (refused), and a name that answers the
    # partner to the check and the internal service to any other resolution
    settings.WEBHOOKS_ALLOWED_NETWORKS = ["127.0.0.2/32"]
    port = int(internal.url.split(":")[2].split("/")[0])
    partner = Receiver()
    partner._server.server_close()
    partner._server = ThreadingHTTPServer(("127.0.0.2", port), partner._handler())
    partner.start()
    checked = []

    def rebinding(host, *args, **kwargs):
        if host != "rebind.example":
            return REAL_GETADDRINFO(host, *args, **kwargs)
        by_check = sys._getframe(1).f_code.co_filename.endswith("integrations/targets.py")
        checked.append(by_check)
        return answer("127.0.0.2" if by_check else "127.0.0.1", args[0])

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    try:
        # When a delivery is sent
        attempt = send_one(admin_user, f"http://rebind.example:{port}/hooks/autosalon")
    finally:
        partner.stop()

    # Then it reached the partner, with the name in Host, and the name was resolved only by
    # the checks (on subscribing, on sending)
    assert attempt.succeeded and attempt.response_excerpt == '{"ok": true}', attempt.error
    assert checked == [True, True]
    assert internal.received == []
    (got,) = partner.received
    assert host_header(got) == f"rebind.example:{port}"
    assert WebhookDelivery.objects.get().status == "succeeded"


# TLS
# ------------------------------------------------------------------------------
def certificate_authority(tmp_path, name: str):
    """A CA of the test's own, and a server certificate for `name` it signed."""
    now = datetime.datetime.now(datetime.UTC)

    def issue(subject, issuer, public_key, signing_key, extensions):
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
        )
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(signing_key, hashes.SHA256())

    ca_key, server_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca = issue(
        "Test CA",
        "Test CA",
        ca_key.public_key(),
        ca_key,
        [(x509.BasicConstraints(ca=True, path_length=None), True)],
    )
    server = issue(
        name,
        "Test CA",
        server_key.public_key(),
        ca_key,
        [
            (x509.SubjectAlternativeName([x509.DNSName(name)]), False),
            (x509.BasicConstraints(ca=False, path_length=None), True),
        ],
    )
    pem = serialization.Encoding.PEM
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(pem))
    (tmp_path / "server.pem").write_bytes(
        server.public_bytes(pem)
        + server_key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return tmp_path / "ca.pem", tmp_path / "server.pem"


@pytest.fixture
def tls_partner(tmp_path, monkeypatch):
    """A partner serving https on loopback with a certificate for partner.example, from a CA
    the sender is made to trust; both partner.example and impostor.example resolve to it."""
    ca, chain = certificate_authority(tmp_path, "partner.example")
    partner = Receiver()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(chain)
    server_names = []
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)
    partner._server.socket = context.wrap_socket(partner._server.socket, server_side=True)
    partner.server_names = server_names
    port = partner._server.server_port
    partner.urls = {
        name: f"https://{name}:{port}/hooks" for name in ("partner.example", "impostor.example")
    }
    monkeypatch.setattr(certifi, "where", lambda: str(ca))

    def resolver(host, *args, **kwargs):
        if host in ("partner.example", "impostor.example"):
            return answer("127.0.0.1", args[0])
        return REAL_GETADDRINFO(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    partner.start()
    yield partner
    partner.stop()


def test_over_https_the_name_is_sent_as_sni_and_checked_against_the_certificate(
    admin_user, tls_partner
):
    attempt = send_one(admin_user, tls_partner.urls["partner.example"])

    assert attempt.succeeded, attempt.error
    assert tls_partner.server_names == ["partner.example"]
    (got,) = tls_partner.received
    assert host_header(got) == tls_partner.urls["partner.example"].split("/")[2]


def test_a_certificate_for_another_name_than_the_targets_is_refused(admin_user, tls_partner):
    attempt = send_one(admin_user, tls_partner.urls["impostor.example"])

    assert not attempt.succeeded and attempt.status_code is None
    assert "Hostname mismatch" in attempt.error, attempt.error
    assert tls_partner.received == []
