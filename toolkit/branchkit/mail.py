"""The weekly e-mail: message from Jinja2 templates, sending over SMTP, or an .eml for Outlook.

Server, port and account come from the command line, 设置 or the environment
(BRANCHKIT_SMTP_HOST, _PORT, _USER, _SECURITY, and _TIMEOUT for the whole send in seconds). The
password never comes from the workbook, which travels, and never goes to a server it names: it
is bound to the server and account it was stored for — BRANCHKIT_SMTP_PASSWORD to the
environment's own server, a keyring entry to the server and account it was stored under — and
is only ever sent over TLS. A workbook may still choose recipients, and a server for a send that
needs no password. Every failure is one line naming the server and what to check.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import re
import smtplib
import socket
import ssl
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .controls import one_line
from .problems import BookError, os_reason
from .settings import Settings

if TYPE_CHECKING:
    from .weekly import Weekly

KEYRING_SERVICE = "branchkit"
ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MailError(BookError):
    """Sending failed; the message says what to check. The weekly workbook stays on disk."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str
    security: str  # ssl / starttls / none
    timeout: float = 30.0  # one read or write
    # The whole conversation. A server that answers one byte at a time never trips the
    # per-read timeout, so the send as a whole has a deadline too.
    deadline: float = 120.0

    from_workbook: bool = False  # the server is 设置's, not the command line's or the environment's

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def keyring_service(self) -> str:
        """The keyring entry of this server's passwords (one per account under it)."""
        return f"{KEYRING_SERVICE}:{self.host}:{self.port}"

    def same_server(self, other: SmtpConfig) -> bool:
        return (self.host.rstrip(".").casefold(), self.port) == (
            other.host.rstrip(".").casefold(),
            other.port,
        )


def smtp_config(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    user: str | None = None,
    security: str | None = None,
) -> SmtpConfig:
    env = os.environ
    from_workbook = not host and bool(settings.smtp_host)
    host = host or settings.smtp_host or env.get("BRANCHKIT_SMTP_HOST", "")
    if not host:
        raise MailError(
            "设置", "没有邮件服务器：请在“设置”填写“邮件服务器”，或设置环境变量 BRANCHKIT_SMTP_HOST"
        )
    security = (security or env.get("BRANCHKIT_SMTP_SECURITY") or "").lower()
    port = port or settings.smtp_port or int(env.get("BRANCHKIT_SMTP_PORT", "0") or 0)
    if not security:
        security = "ssl" if port in (0, 465) else "starttls"
    port = port or (465 if security == "ssl" else 587)
    if security not in ("ssl", "starttls", "none"):
        raise MailError(host, "加密方式应为 ssl、starttls 或 none")
    try:
        deadline = float(env.get("BRANCHKIT_SMTP_TIMEOUT") or SmtpConfig.deadline)
    except ValueError as exc:
        raise MailError("BRANCHKIT_SMTP_TIMEOUT", "应为秒数，如 120") from exc
    if not deadline > 0:
        raise MailError("BRANCHKIT_SMTP_TIMEOUT", "应为大于 0 的秒数，如 120")
    user = user or settings.smtp_user or env.get("BRANCHKIT_SMTP_USER", "")
    timeout = min(SmtpConfig.timeout, deadline)
    return SmtpConfig(host, port, user, security, timeout, deadline, from_workbook)


def environment_server() -> SmtpConfig | None:
    """The server the environment alone names (BRANCHKIT_SMTP_HOST, _PORT, _SECURITY), whose
    password BRANCHKIT_SMTP_PASSWORD is; None when it names none."""
    if not os.environ.get("BRANCHKIT_SMTP_HOST"):
        return None
    return smtp_config(Settings())


def password_for(config: SmtpConfig) -> str | None:
    """The password stored for this server and account, and for no other: BRANCHKIT_SMTP_PASSWORD
    when the server is the environment's own (and the account BRANCHKIT_SMTP_USER, when that is
    set), else the keyring's entry for the server and account (`keyring set
    branchkit:HOST:PORT ACCOUNT`). A workbook that names another server gets no password."""
    env = os.environ
    own = environment_server()
    if (
        env.get("BRANCHKIT_SMTP_PASSWORD")
        and own is not None
        and own.same_server(config)
        and env.get("BRANCHKIT_SMTP_USER", config.user) == config.user
    ):
        return env["BRANCHKIT_SMTP_PASSWORD"]
    try:
        import keyring

        return keyring.get_password(config.keyring_service, config.user)
    except Exception:  # keyring not installed, or no backend on this machine
        return None


def _password(config: SmtpConfig) -> str | None:
    """The password this send logs in with (None: the send needs none), or one line saying why
    it is not sent — before anything goes to the server."""
    if not config.user:
        return None
    where = config.where
    password = password_for(config)
    if password is None:
        own = environment_server()
        if os.environ.get("BRANCHKIT_SMTP_PASSWORD") and own and not own.same_server(config):
            named = "工作簿“设置”里的邮件服务器" if config.from_workbook else "邮件服务器"
            raise MailError(
                where,
                f"{named}不是 BRANCHKIT_SMTP_HOST 指定的 {own.where}，"
                "BRANCHKIT_SMTP_PASSWORD 只发给它：未发送。要用这台服务器，请运行 "
                f"keyring set {config.keyring_service} {config.user} 保存它自己的密码",
            )
        raise MailError(
            where,
            f"没有账号 {config.user} 在这台服务器上的密码：请运行 "
            f"keyring set {config.keyring_service} {config.user}，或用 BRANCHKIT_SMTP_HOST"
            "（及 _PORT）指定这台服务器并设置 BRANCHKIT_SMTP_PASSWORD",
        )
    if config.security == "none":
        raise MailError(
            where,
            "密码只通过加密连接发送，不用明文：请用 --security starttls 或 ssl"
            "（或 BRANCHKIT_SMTP_SECURITY），未发送",
        )
    return password


def sender(settings: Settings) -> str:
    return (
        os.environ.get("BRANCHKIT_MAIL_FROM")
        or settings.smtp_user
        or f"branchkit@{settings.smtp_host or 'localhost'}"
    )


def check_addresses(addresses: list[str]) -> list[str]:
    cleaned = [a.strip() for a in addresses if a.strip()]
    if not cleaned:
        raise MailError("收件人", "没有收件人：请在“设置”填写“邮件收件人”，或用 --to 指定")
    for address in cleaned:
        if not ADDRESS.match(address):
            raise MailError("收件人", f"邮件地址格式不对：{address}")
    return cleaned


def weekly_message(
    weekly: Weekly,
    attachment: Path,
    recipients: list[str],
    from_address: str,
    template_dir: str | Path | None = None,
    lang: str = "zh",
) -> EmailMessage:
    from .render.marks import status_colors
    from .render.weekly import (
        headlines,
        month_boundary_line,
        nothing_recorded_line,
        pace_lines,
    )

    context = {
        "weekly": weekly,
        "headlines": headlines(weekly),
        "pace": pace_lines(weekly),
        # a status's text colour by its words, as the tabs and the agenda colour it
        "pace_color": {words: text for words, (_, text) in status_colors().items()},
        "boundary": month_boundary_line(weekly),
        "empty": nothing_recorded_line(weekly),
    }
    subject = f"{weekly.branch or '网点'} 周报 {weekly.week}"
    return compose(
        subject, "weekly_mail", context, attachment, recipients, from_address, template_dir, lang
    )


def compose(
    subject: str,
    template: str,
    context: dict[str, Any],
    attachment: Path,
    recipients: list[str],
    from_address: str,
    template_dir: str | Path | None = None,
    lang: str = "zh",
) -> EmailMessage:
    """A message from `template`.txt.j2 and .html.j2 with the workbook attached (the branch's
    weekly and the parent branch's share it)."""
    from .render.text import environment

    env = environment(lang, template_dir)
    message = EmailMessage()
    message["Subject"] = one_line(subject)  # 网点名称 may hold a line break: one header line
    message["From"] = one_line(from_address)
    if recipients:  # none: an .eml whose recipients are filled in by hand in Outlook
        message["To"] = ", ".join(check_addresses(recipients))
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="branchkit.local")
    message.set_content(env.get_template(f"{template}.txt.j2").render(**context))
    message.add_alternative(
        env.get_template(f"{template}.html.j2").render(**context), subtype="html"
    )
    maintype, subtype = (mimetypes.guess_type(attachment.name)[0] or XLSX_TYPE).split("/", 1)
    message.add_attachment(
        attachment.read_bytes(), maintype=maintype, subtype=subtype, filename=attachment.name
    )
    return message


def write_eml(message: EmailMessage, path: Path, made_from: Iterable[str | Path] = ()) -> Path:
    """The message as an .eml file; it replaces only an .eml branchkit wrote (outputs.MAIL)
    unless --force, and is no more readable than the workbooks it is `made_from`."""
    from .outputs import MAIL
    from .writeback import write_bytes

    return write_bytes(path, bytes(message), made_for=MAIL, made_from=made_from)


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """One attempt with the best mechanism the server offers. smtplib's login() would go on to
    try the next mechanism after a refusal; a wrong password should fail once, not lock the account."""
    client.ehlo_or_helo_if_needed()
    offered = client.esmtp_features.get("auth", "").upper().split()
    mechanism = next((m for m in ("CRAM-MD5", "PLAIN", "LOGIN") if m in offered), None)
    if mechanism is None:
        raise smtplib.SMTPNotSupportedError("AUTH")
    client.user, client.password = user, password
    handler = getattr(client, "auth_" + mechanism.lower().replace("-", "_"))
    client.auth(mechanism, handler, initial_response_ok=True)


class _Deadline:
    """Ends an SMTP conversation that outlives its deadline by shutting its socket, which
    wakes a read blocked in another thread; `fired` tells the failure that follows apart."""

    def __init__(self, client: smtplib.SMTP, seconds: float) -> None:
        self.client = client
        self.fired = False
        self._done = threading.Event()
        self._timer = threading.Thread(target=self._wait, args=(seconds,), daemon=True)

    def _wait(self, seconds: float) -> None:
        if self._done.wait(seconds):
            return
        self.fired = True
        while not self._done.is_set():  # still connecting: the socket comes a moment later
            sock = getattr(self.client, "sock", None)
            if sock is not None:
                with contextlib.suppress(OSError):
                    socket.socket.shutdown(
                        sock, socket.SHUT_RDWR
                    )  # the plain socket's, also under TLS
            self._done.wait(0.1)

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()


def send(message: EmailMessage, config: SmtpConfig) -> None:
    where = config.where
    password = _password(config)
    if config.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            timeout=config.timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(timeout=config.timeout)
    deadline = _Deadline(client, config.deadline)
    try:
        with deadline:
            _converse(client, message, config, password)
    except MailError:
        raise
    except Exception as exc:
        if deadline.fired:
            raise MailError(
                where,
                f"发送超时：邮件服务器 {config.deadline:g} 秒内没有完成发送（服务器太慢或网络不通），"
                "周报已保存，未发送",
            ) from exc
        failure = _failure(where, exc)
        if failure is exc:
            raise
        raise failure from exc


def _converse(
    client: smtplib.SMTP, message: EmailMessage, config: SmtpConfig, password: str | None
) -> None:
    with client:  # QUIT and close on the way out, after a failure too
        # The name the server's certificate must carry (STARTTLS and SSL check it): smtplib
        # takes it from the constructor only, which would connect before the deadline runs.
        client._host = config.host  # type: ignore[attr-defined]
        client.connect(config.host, config.port)
        if config.security == "starttls":
            try:
                client.starttls(context=ssl.create_default_context())
            except smtplib.SMTPNotSupportedError as exc:
                raise _Unsupported(NO_STARTTLS) from exc
        if password is not None:
            try:
                _login(client, config.user, password)
            except smtplib.SMTPNotSupportedError as exc:
                raise _Unsupported(NO_LOGIN) from exc
        client.send_message(message)


NO_STARTTLS = "邮件服务器不支持 STARTTLS 加密：请检查加密方式（--security）和端口（465 用 ssl）"
NO_LOGIN = "邮件服务器不支持账号登录：请检查服务器地址和端口，或去掉账号（不需要登录的服务器）"


class _Unsupported(smtplib.SMTPNotSupportedError):
    """What the server did not offer, said in the user's words (smtplib says it in English)."""


def _failure(where: str, exc: Exception) -> Exception:
    """One line for a failed send, saying what to check."""
    if isinstance(exc, ConnectionRefusedError):
        return MailError(where, "无法连接邮件服务器（连接被拒绝）：请检查服务器地址和端口")
    if isinstance(exc, (socket.gaierror, TimeoutError)):
        return MailError(where, "无法连接邮件服务器（地址不存在或超时）：请检查服务器地址和网络")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return MailError(where, "邮件服务器拒绝了账号或密码（认证失败）")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return MailError(where, "收件人地址被邮件服务器拒绝：" + "、".join(exc.recipients))
    if isinstance(exc, _Unsupported):
        return MailError(where, str(exc))
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return MailError(
            where, "邮件服务器不支持这次发送需要的功能：请检查加密方式（--security）和账号"
        )
    if isinstance(exc, ssl.SSLError):
        return MailError(
            where,
            "加密连接失败：请检查端口和加密方式（465 用 ssl，587 用 starttls），"
            "以及这台电脑是否信任服务器的证书（加 --debug 可查看详细信息）",
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        return MailError(
            where,
            f"邮件服务器拒绝了这封邮件（代码 {exc.smtp_code}）：请检查发件人、收件人和附件大小"
            "（加 --debug 可查看服务器的原话）",
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return MailError(where, "邮件服务器中途断开了连接：请稍后重试，或检查端口和加密方式")
    if isinstance(exc, (smtplib.SMTPException, OSError)):
        reason = os_reason(exc) if isinstance(exc, OSError) else "加 --debug 可查看详细信息"
        return MailError(where, f"发送失败（{reason}）")
    return exc
