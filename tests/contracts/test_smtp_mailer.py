"""``SmtpMailer`` against a real aiosmtpd server on loopback that requires STARTTLS and a login:
the mail arrives over TLS, a server whose certificate is not trusted is refused (decision 0041)."""

import datetime as dt
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from adapters.webhooks.mail import SmtpMailer
from adapters.webhooks.settings import SmtpSettings
from core.ports.notifications import MailUnavailable


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[bool, Message]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append((session.ssl is not None, message_from_bytes(envelope.original_content or b"")))
        return "250 OK"


def authenticate(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object
) -> AuthResult:
    good = isinstance(data, LoginPassword) and (data.login, data.password) == (b"bhiv", b"s3cret")
    return AuthResult(success=good)


def self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    loopback = x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(loopback, False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_file, key_file = directory / "smtp.pem", directory / "smtp.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return cert_file, key_file


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Mailbox, int, Path]]:
    cert_file, key_file = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    box = Mailbox()
    with socket.socket() as probe:  # aiosmtpd's controller connects to its port to start: no port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            authenticator=authenticate, auth_require_tls=True)  # fmt: skip
    controller.start()
    yield box, port, cert_file
    controller.stop()


async def test_a_mail_goes_over_starttls_with_a_login(server: tuple[Mailbox, int, Path]) -> None:
    box, port, ca = server
    mailer = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port, username="bhiv", password="s3cret",
                                     ca_file=str(ca), sender="BHIV <alerts@bhiv.test>"))  # fmt: skip

    await mailer.send(["soc@bhiv.test"], "[CRITICAL] threat.ip_blocked", "ip: 203.0.113.7")

    [(over_tls, message)] = box.messages
    assert over_tls is True
    assert (message["From"], message["To"], message["Subject"]) == (
        "BHIV <alerts@bhiv.test>", "soc@bhiv.test", "[CRITICAL] threat.ip_blocked")  # fmt: skip


async def test_an_untrusted_certificate_or_no_server_is_unavailable(
    server: tuple[Mailbox, int, Path],
) -> None:
    box, port, _ = server
    untrusted = SmtpMailer(SmtpSettings(host="127.0.0.1", port=port, username="bhiv", password="s3cret"))
    unconfigured = SmtpMailer(SmtpSettings())

    with pytest.raises(MailUnavailable):
        await untrusted.send(["soc@bhiv.test"], "s", "t")
    with pytest.raises(MailUnavailable, match="BHIV_SMTP_HOST"):
        await unconfigured.send(["soc@bhiv.test"], "s", "t")
    assert box.messages == []
