"""Mail servers the e-mail tests start on 127.0.0.1 themselves (aiosmtpd), each keeping what it
received: the messages, and every login tried on it with the password sent.

TLS is real: a certificate for 127.0.0.1 made for the test run, which the client under test
trusts through SSL_CERT_FILE (OpenSSL's own variable), so STARTTLS and SSL are checked as a
bank's relay would be, certificate and name included."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

ACCOUNT = "branch"
PASSWORD = "S3cretPassw0rd!"


@dataclass
class Inbox:
    """What one server received."""

    account: str = ACCOUNT
    password: str = PASSWORD
    messages: list[EmailMessage] = field(default_factory=list)
    logins: list[tuple[str, str, bool]] = field(default_factory=list)  # account, password, TLS

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            implicit = server.transport.get_extra_info("sslcontext") is not None
            self.logins.append((login, password, session.ssl is not None or implicit))
            ok = (login, password) == (self.account, self.password)
            return AuthResult(success=ok, handled=False)  # False: the server sends 535
        return AuthResult(success=False, handled=False)

    @property
    def passwords_received(self) -> list[str]:
        return [password for _, password, _ in self.logins]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (cryptography comes with
    msoffcrypto-tool, which branchkit installs)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextmanager
def mail_server(
    certificate: tuple[Path, Path] | None = None, implicit_tls: bool = False
) -> Iterator[tuple[Inbox, int]]:
    """A server on a free port: plain, offering STARTTLS (`certificate`), or speaking TLS from
    the first byte (`implicit_tls`, as on port 465). It offers AUTH on plain connections too,
    as a server set up to catch passwords would."""
    inbox = Inbox()
    port = free_port()
    context = None
    if certificate is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*certificate)
    options: dict[str, Any] = {"authenticator": inbox.authenticate, "auth_require_tls": False}
    if implicit_tls:
        options["ssl_context"] = context
    elif context is not None:
        options["tls_context"] = context
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
