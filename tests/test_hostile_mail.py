"""A mail server that answers one byte at a time never trips a per-read timeout; the weekly send
as a whole has a deadline (issue 12). The server is a local socket the test starts itself."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from branchkit.cli import main
from click.testing import CliRunner


@pytest.fixture
def trickling_server() -> Iterator[int]:
    """Accepts connections and sends a greeting one byte every 0.2 s, never finishing the
    line. It gives up after 60 s, so a client without a deadline fails instead of hanging."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                for byte in (b"220 slow.example ESMTP " * 20)[:300]:
                    if stop.wait(0.2):
                        break
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def test_a_server_trickling_bytes_cannot_hold_the_weekly_send(
    sample_copy: Path, tmp_path: Path, trickling_server: int
) -> None:
    result = CliRunner().invoke(
        main,
        [
            "weekly",
            str(sample_copy),
            "--week",
            "2026-W47",
            "--out",
            str(tmp_path / "周报.xlsx"),
            "--send",
            "--smtp-host",
            "127.0.0.1",
            "--smtp-port",
            str(trickling_server),
            "--security",
            "none",
        ],
        env={"BRANCHKIT_SMTP_TIMEOUT": "1.5"},
    )
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("周报已生成")  # the workbook is kept
    assert (
        len(lines) == 2 and "发送超时" in lines[1] and f"127.0.0.1:{trickling_server}" in lines[1]
    )
    assert (tmp_path / "周报.xlsx").exists()


def test_the_deadline_must_be_a_number_of_seconds(sample_copy: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "weekly",
            str(sample_copy),
            "--week",
            "2026-W47",
            "--out",
            str(tmp_path / "w.xlsx"),
            "--send",
            "--smtp-host",
            "127.0.0.1",
        ],
        env={"BRANCHKIT_SMTP_TIMEOUT": "很久"},
    )
    assert result.exit_code == 2 and "BRANCHKIT_SMTP_TIMEOUT" in result.output.splitlines()[-1]
