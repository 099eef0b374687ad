"""Runs Neo4j Community 5.26 from its Maven jars, without Docker, for development and tests.

Maven resolves the jars named by `deploy/neo4j/pom.xml` into a lib directory once; the JVM then
runs `deploy/neo4j/StrataNeo4j.java` in single-file source mode, which starts Neo4j embedded
with Bolt on a loopback port and auth off, and prints a ready line. See ARCHITECTURE.md §8.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import DriverError, Neo4jError

__all__ = [
    "JVM_FLAGS",
    "MIN_JAVA_VERSION",
    "Neo4jConfig",
    "Neo4jRuntimeError",
    "MissingPrerequisiteError",
    "ensure_neo4j_jars",
    "find_java",
    "java_major_version",
    "neo4j_command",
    "start_neo4j",
    "stop_neo4j",
    "wait_for_bolt",
]

MIN_JAVA_VERSION = 17
# The flags the official image starts Neo4j with, plus failing fast on OOM: a dead server is
# noticed at once, one limping after an OutOfMemoryError is not.
JVM_FLAGS: tuple[str, ...] = (
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-XX:+ExitOnOutOfMemoryError",
)
_MARKER = ".strata-pom.sha256"
_SIZE = re.compile(r"^[1-9][0-9]*[kmgKMG]$")
_JAVA_VERSION = re.compile(r'version "(\d+)(?:\.(\d+))?')


class Neo4jRuntimeError(RuntimeError):
    """Neo4j could not be installed, started or reached."""


class MissingPrerequisiteError(Neo4jRuntimeError):
    """A tool needed to run Neo4j (java, mvn) is missing or too old."""


@dataclass(frozen=True, slots=True)
class Neo4jConfig:
    """Where and how big one Neo4j runs. Sizes are JVM-style: `512m`, `1g`."""

    home: Path  # data/, logs/ and the launcher's own log go under it
    bolt_port: int
    bolt_host: str = "127.0.0.1"
    heap: str = "1g"
    pagecache: str = "512m"
    tx_memory: str = "1g"  # db.memory.transaction.total.max: all transactions together

    def __post_init__(self) -> None:
        for name in ("heap", "pagecache", "tx_memory"):
            value = getattr(self, name)
            if not _SIZE.match(value):
                raise ValueError(f"Neo4jConfig.{name} must look like 512m or 1g, got {value!r}")
        if not 0 < self.bolt_port < 65536:
            raise ValueError(f"Neo4jConfig.bolt_port out of range: {self.bolt_port}")

    @property
    def bolt_uri(self) -> str:
        return f"bolt://{self.bolt_host}:{self.bolt_port}"

    @property
    def log_file(self) -> Path:
        """The launcher's stdout and stderr; Neo4j's own debug.log is beside it."""
        return self.home / "logs" / "strata-neo4j.log"


def find_java() -> Path:
    """The `java` on PATH, checked to be at least Java 17."""
    found = shutil.which("java")
    if found is None:
        raise MissingPrerequisiteError(
            f"java not found on PATH: Neo4j 5.26 needs a Java {MIN_JAVA_VERSION}+ runtime "
            "(e.g. apt-get install openjdk-17-jre-headless)"
        )
    java = Path(found)
    major = java_major_version(java)
    if major < MIN_JAVA_VERSION:
        raise MissingPrerequisiteError(
            f"{java} is Java {major}; Neo4j 5.26 needs Java {MIN_JAVA_VERSION} or newer"
        )
    return java


def java_major_version(java: Path) -> int:
    """The feature release of a Java runtime: 8 for `1.8.0_402`, 17 for `17.0.15`."""
    result = subprocess.run(
        [str(java), "-version"], capture_output=True, text=True, timeout=30, check=False
    )
    match = _JAVA_VERSION.search(result.stderr + result.stdout)
    if result.returncode != 0 or match is None:
        raise MissingPrerequisiteError(
            f"could not read the version of {java}: {result.stderr.strip()}"
        )
    first, second = int(match.group(1)), int(match.group(2) or 0)
    return second if first == 1 else first


def ensure_neo4j_jars(pom_dir: Path, lib_dir: Path) -> Path:
    """Resolve Neo4j's runtime jars into `lib_dir` with Maven, unless they already match the pom.

    The lib directory is rebuilt beside itself and swapped in, so an interrupted download never
    leaves a half-filled classpath behind; a lock file keeps concurrent callers from racing.
    """
    find_java()
    pom, lib_dir = (pom_dir / "pom.xml").absolute(), lib_dir.absolute()
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    if _jars_match(lib_dir, digest):
        return lib_dir
    lib_dir.parent.mkdir(parents=True, exist_ok=True)
    # The lock lives outside the repository so that it never shows up in `git status`.
    key = hashlib.sha256(str(lib_dir.resolve()).encode()).hexdigest()[:16]
    lock_path = Path(tempfile.gettempdir()) / f"strata-neo4j-jars-{key}.lock"
    with lock_path.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _jars_match(lib_dir, digest):  # another process may have finished meanwhile
            _copy_dependencies(pom, lib_dir, digest)
    return lib_dir


def _jars_match(lib_dir: Path, digest: str) -> bool:
    marker = lib_dir / _MARKER
    if not marker.is_file():
        return False
    recorded, *jars = marker.read_text().split()
    return recorded == digest and bool(jars) and all((lib_dir / jar).is_file() for jar in jars)


def _copy_dependencies(pom: Path, lib_dir: Path, digest: str) -> None:
    mvn = shutil.which("mvn")
    if mvn is None:
        raise MissingPrerequisiteError(
            "mvn not found on PATH: Maven is needed once to fetch the Neo4j jars "
            "(e.g. apt-get install maven)"
        )
    staging = lib_dir.with_name(lib_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    print(
        f"strata: fetching Neo4j jars into {lib_dir} with Maven "
        "(about 120 MB on the first run, then from ~/.m2)...",
        file=sys.stderr,
        flush=True,
    )
    started = time.monotonic()
    command = [mvn, "-q", "-B", "-Dstyle.color=never", "-f", str(pom)]
    command += ["dependency:copy-dependencies", f"-DoutputDirectory={staging}"]
    # Maven's own output goes straight to our stderr so that a failure explains itself.
    result = subprocess.run(command, cwd=pom.parent, stdout=2, stderr=2, check=False)
    jars = sorted(p.name for p in staging.glob("*.jar")) if staging.is_dir() else []
    if result.returncode != 0 or not jars:
        shutil.rmtree(staging, ignore_errors=True)
        raise Neo4jRuntimeError(
            f"Maven failed to fetch the Neo4j jars (exit code {result.returncode}); "
            f"see its output above. Command: {' '.join(command)}"
        )
    (staging / _MARKER).write_text("\n".join([digest, *jars]) + "\n")
    shutil.rmtree(lib_dir, ignore_errors=True)
    staging.rename(lib_dir)
    elapsed = time.monotonic() - started
    print(f"strata: {len(jars)} Neo4j jars ready in {elapsed:.1f}s", file=sys.stderr, flush=True)


def neo4j_command(
    config: Neo4jConfig,
    lib_dir: Path,
    launcher_src: Path,
    *,
    java: Path | str = "java",
    exit_on_stdin_eof: bool = True,
) -> list[str]:
    """The argv that runs `launcher_src` (StrataNeo4j.java) against the jars in `lib_dir`.

    With `exit_on_stdin_eof` the JVM stops once its stdin closes, so a server started with a
    pipe on stdin does not outlive a parent that died without stopping it.
    """
    command = [
        str(java),
        f"-Xms{config.heap}",
        f"-Xmx{config.heap}",
        *JVM_FLAGS,
        "-cp",
        os.path.join(lib_dir, "*"),  # the JVM expands the wildcard itself; no shell involved
        str(launcher_src),
        "--home", str(config.home),
        "--bolt-host", config.bolt_host,
        "--bolt-port", str(config.bolt_port),
        "--pagecache", config.pagecache,
        "--tx-max", config.tx_memory,
    ]  # fmt: skip
    if exit_on_stdin_eof:
        command.append("--exit-on-stdin-eof")
    return command


def start_neo4j(
    config: Neo4jConfig,
    lib_dir: Path,
    launcher_src: Path,
    *,
    tie_to_parent: bool = True,
) -> subprocess.Popen[bytes]:
    """Start the JVM, logging to `config.log_file`; pair with `wait_for_bolt`.

    `tie_to_parent` keeps a pipe on the child's stdin (see `neo4j_command`); pass False for a
    server that must outlive this process, which then runs in its own session.
    """
    command = neo4j_command(
        config, lib_dir, launcher_src, java=find_java(), exit_on_stdin_eof=tie_to_parent
    )
    config.log_file.parent.mkdir(parents=True, exist_ok=True)
    with config.log_file.open("ab") as log:
        return subprocess.Popen(
            command,
            stdin=subprocess.PIPE if tie_to_parent else subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=not tie_to_parent,
        )


def wait_for_bolt(
    uri: str,
    timeout_s: float = 120.0,
    *,
    proc: subprocess.Popen[bytes] | None = None,
    log_file: Path | None = None,
) -> None:
    """Poll `uri` with the driver's `verify_connectivity` until it answers.

    Fails early if `proc` exits first, quoting the end of `log_file`.
    """
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    with GraphDatabase.driver(uri, connection_timeout=2.0) as driver:
        while True:
            if proc is not None and proc.poll() is not None:
                raise Neo4jRuntimeError(
                    f"Neo4j exited with code {proc.returncode} before {uri} was ready"
                    + _log_tail(log_file)
                )
            try:
                driver.verify_connectivity()
                return
            except (DriverError, Neo4jError, OSError) as exc:
                last_error = exc
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"Neo4j not ready at {uri} after {timeout_s}s: {last_error}"
                    + _log_tail(log_file)
                ) from last_error
            time.sleep(0.25)


def _log_tail(log_file: Path | None, lines: int = 20) -> str:
    if log_file is None or not log_file.is_file():
        return ""
    tail = log_file.read_text(errors="replace").splitlines()[-lines:]
    return f"\n--- last lines of {log_file} ---\n" + "\n".join(tail)


def stop_neo4j(proc: subprocess.Popen[bytes], timeout_s: float = 60.0) -> int:
    """SIGTERM (Neo4j checkpoints and closes its stores), then SIGKILL after `timeout_s`.

    Returns the exit code; 143 is a clean stop on SIGTERM.
    """
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    if proc.stdin is not None:
        proc.stdin.close()
    return int(proc.returncode)
