"""The mail password is bound to the server and account it was stored for, and only ever sent
over TLS (issue 23). The servers are real SMTP servers on 127.0.0.1 that record every login
tried on them; the one a workbook names plays the part of a server set up to catch passwords:
it offers STARTTLS with a certificate this machine trusts, and AUTH on plain connections too."""

from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result

from . import hostile
from .mailservers import ACCOUNT, PASSWORD, Inbox, mail_server, make_certificate
from .test_weekly import relay_environment

WEEK = ["--week", "2026-W47"]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def trusted(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    return certificate


@pytest.fixture
def relay(trusted: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    """The bank's relay, whose password the environment holds."""
    with mail_server(trusted) as server:
        yield server


@pytest.fixture
def catcher(trusted: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    """A server a workbook names."""
    with mail_server(trusted) as server:
        yield server


def _weekly(book: Path, tmp_path: Path, env: dict[str, str], *extra: str) -> Result:
    from branchkit.cli import main
    from click.testing import CliRunner

    args = ["weekly", str(book), *WEEK, "--out", str(tmp_path / "周报.xlsx"), "--send", *extra]
    return CliRunner().invoke(main, args, env=env)


def _naming_server(tmp_path: Path, port: int, account: str = ACCOUNT) -> Path:
    """A branch workbook whose 设置 names its own mail server (and an account on it)."""
    values = {"邮件服务器": "127.0.0.1", "邮件端口": str(port)}
    if account:
        values["邮件账号"] = account
    return hostile.with_settings(tmp_path / "网点.xlsx", values)


def _refused(result: Result, *words: str) -> str:
    """The weekly is written, then one line says why it was not sent (exit 2)."""
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("周报已生成"), result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output
    for word in words:
        assert word in lines[1], lines[1]
    return lines[1]


@pytest.mark.parametrize("security", ["starttls", "none"])
def test_a_workbook_naming_its_own_server_never_receives_the_password(
    tmp_path: Path, relay: tuple[Inbox, int], catcher: tuple[Inbox, int], security: str
) -> None:
    (relay_inbox, relay_port), (caught, catcher_port) = relay, catcher
    book = _naming_server(tmp_path, catcher_port)
    env = {**relay_environment(relay_port), "BRANCHKIT_SMTP_SECURITY": security}
    line = _refused(
        _weekly(book, tmp_path, env),
        f"127.0.0.1:{catcher_port}",
        "BRANCHKIT_SMTP_PASSWORD",
        "keyring set",
    )
    assert PASSWORD not in line
    assert caught.logins == [] and caught.messages == []
    assert relay_inbox.logins == [] and relay_inbox.messages == []


def test_the_password_is_never_sent_in_clear(tmp_path: Path, sample_copy: Path) -> None:
    with mail_server() as (inbox, port):  # a relay without TLS
        env = {**relay_environment(port), "BRANCHKIT_SMTP_SECURITY": "none"}
        _refused(_weekly(sample_copy, tmp_path, env), "加密", "未发送")
    assert PASSWORD not in inbox.passwords_received and inbox.messages == []


def test_a_relay_without_starttls_gets_no_password(tmp_path: Path, sample_copy: Path) -> None:
    """STARTTLS asked for and not offered: refused, never a fall back to plain text."""
    with mail_server() as (inbox, port):
        line = _refused(_weekly(sample_copy, tmp_path, relay_environment(port)), "STARTTLS")
    assert inbox.logins == [] and inbox.messages == []
    assert "not supported" not in line and "extension" not in line  # smtplib's English


def test_the_password_goes_to_its_own_server_over_starttls(
    tmp_path: Path, sample_copy: Path, relay: tuple[Inbox, int]
) -> None:
    inbox, port = relay
    result = _weekly(sample_copy, tmp_path, relay_environment(port))
    assert result.exit_code == 0, result.output
    assert inbox.logins == [(ACCOUNT, PASSWORD, True)] and len(inbox.messages) == 1


def test_the_password_goes_to_its_own_server_over_ssl(
    tmp_path: Path, sample_copy: Path, trusted: tuple[Path, Path]
) -> None:
    with mail_server(trusted, implicit_tls=True) as (inbox, port):
        env = {**relay_environment(port), "BRANCHKIT_SMTP_SECURITY": "ssl"}
        result = _weekly(sample_copy, tmp_path, env)
    assert result.exit_code == 0, result.output
    assert inbox.logins == [(ACCOUNT, PASSWORD, True)] and len(inbox.messages) == 1


def test_a_workbook_may_choose_a_server_for_a_send_without_password(
    tmp_path: Path, catcher: tuple[Inbox, int]
) -> None:
    inbox, port = catcher
    book = _naming_server(tmp_path, port, account="")
    result = _weekly(book, tmp_path, {"BRANCHKIT_SMTP_PASSWORD": PASSWORD}, "--security", "none")
    assert result.exit_code == 0, result.output
    (message,) = inbox.messages
    assert message["To"] == "branch-head@example.com"  # 设置's recipients
    assert inbox.logins == []


class _Keyring(types.ModuleType):
    """The keyring module with a store of its own: (service, account) -> password."""

    def __init__(self, stored: dict[tuple[str, str], str]) -> None:
        super().__init__("keyring")
        self.stored = stored
        self.asked: list[tuple[str, str]] = []

    def get_password(self, service: str, account: str) -> str | None:
        self.asked.append((service, account))
        return self.stored.get((service, account))


def test_a_keyring_password_goes_only_to_the_server_it_was_stored_for(
    tmp_path: Path,
    sample_copy: Path,
    relay: tuple[Inbox, int],
    catcher: tuple[Inbox, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (relay_inbox, relay_port), (caught, catcher_port) = relay, catcher
    keyring = _Keyring({(f"branchkit:127.0.0.1:{relay_port}", ACCOUNT): PASSWORD})
    monkeypatch.setitem(sys.modules, "keyring", keyring)
    book = _naming_server(tmp_path, catcher_port)
    _refused(
        _weekly(book, tmp_path, {}, "--security", "starttls"), f"branchkit:127.0.0.1:{catcher_port}"
    )
    assert caught.logins == [] and caught.messages == []
    # The same account on the server it was stored for: sent.
    result = _weekly(
        sample_copy,
        tmp_path,
        {},
        "--smtp-host",
        "127.0.0.1",
        "--smtp-port",
        str(relay_port),
        "--smtp-user",
        ACCOUNT,
        "--security",
        "starttls",
    )
    assert result.exit_code == 0, result.output
    assert relay_inbox.logins == [(ACCOUNT, PASSWORD, True)]
