"""The `strata` command line. The one entry point that dispatches to the services."""

from __future__ import annotations

import argparse
import os
import sys

from typing import Any

from strata_cli.cli_errors import CliArgumentError
from strata_cli.paths import repo_root
from strata_core.errors import StrataError
from strata_core.gc_pause import raise_collection_threshold
from strata_core.settings import Settings, SettingsError

__all__ = ["main"]


def _settings() -> Settings:
    env = dict(os.environ)
    env.setdefault("STRATA_DATA_DIR", str(repo_root() / ".data"))
    return Settings.from_env(env)


def _dev_settings() -> Settings:
    """Development defaults: the SDK's test accounts exist unless told otherwise."""
    env = dict(os.environ)
    env.setdefault("STRATA_DATA_DIR", str(repo_root() / ".data"))
    env.setdefault("STRATA_SEED_TEST_ACCOUNTS", "true")
    env.setdefault("STRATA_ENVIRONMENT", "development")
    os.environ.update({k: v for k, v in env.items() if k.startswith("STRATA_")})
    return Settings.from_env(env)


_SERVICE_MODULES = {"server": "strata_api", "projector": "strata_projector", "worker": "strata_worker"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="strata", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    dev = sub.add_parser("dev", help="the development stack (NATS, Neo4j, projector, API)")
    dev_sub = dev.add_subparsers(dest="dev_command", required=True)
    dev_sub.add_parser("start", help="start everything in the background and wait until ready")
    dev_sub.add_parser("run", help="start everything and stay in the foreground")
    dev_sub.add_parser("status", help="exit 0 only when every component is up")
    dev_sub.add_parser("stop", help="stop everything")
    dev_sub.add_parser("reset", help="empty streams, KV and graph; restore the built-in state")
    sub.add_parser("server", help="run the API server (production entry point)")
    sub.add_parser("projector", help="run the projector (production entry point)")
    sub.add_parser("worker", help="run the task worker (production entry point)")
    bench = sub.add_parser("bench", help="benchmarks; print figures against the raw floor")
    bench.add_argument("suite", nargs="?", default="store", choices=["store", "import", "list", "branches", "schema", "projector", "rebuild", "graphql", "all"])
    bench.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    bench.add_argument("--json", action="store_true", help="one JSON object per figure on stdout (progress on stderr)")
    _audit_parser(sub)
    replay = sub.add_parser("replay", help="re-run the event log into a fresh read model (progress, rate, digest)")
    replay.add_argument("--neo4j-uri", default=None,
                        help="fold into this (emptied) Neo4j instead of a temporary one started for the purpose")
    replay.add_argument("--neo4j-heap", default="1g", help="heap of the temporary Neo4j (JVM size: 512m, 2g)")
    replay.add_argument("--print", action="store_true", dest="print_events",
                        help="print a branch's events as JSON lines instead (same as `strata audit events`)")
    _events_range(replay)
    verify = sub.add_parser("verify", help="rebuild from zero beside the live read model and compare digests")
    verify.add_argument("--neo4j-uri", default=None, help="rebuild into this (emptied) Neo4j instead of a temporary one")
    verify.add_argument("--neo4j-heap", default="1g", help="heap of the temporary Neo4j (JVM size: 512m, 2g)")
    verify.add_argument("--wait", type=float, default=60.0, metavar="SECONDS",
                        help="how long the live projector may take to reach the log heads (default 60)")
    sub.add_parser("rebuild", help="drop the read model and rebuild it from the streams")
    return parser


def _events_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--branch-id", default="main")
    parser.add_argument("--start", type=int, default=1)
    parser.add_argument("--end", type=int, default=None)


def _audit_parser(sub: Any) -> None:
    audit = sub.add_parser("audit", help="who changed what, read from the event log")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    formats = argparse.ArgumentParser(add_help=False)
    formats.add_argument("--format", choices=["table", "jsonl"], default="table", dest="fmt")
    formats.add_argument("--output", default=None, metavar="FILE", help="write there instead of stdout")
    obj = audit_sub.add_parser("object", parents=[formats], help="every change to one object")
    obj.add_argument("node_id")
    obj.add_argument("--branch", default="main", help="branch name or id (its origin's changes up to the fork too)")
    changes = audit_sub.add_parser("changes", parents=[formats], help="changes in a time range and/or on a branch")
    changes.add_argument("--since", default=None, help="ISO 8601 time, or a duration ago (30m, 1h, 2d)")
    changes.add_argument("--until", default=None, help="ISO 8601 time, or a duration ago")
    changes.add_argument("--branch", default=None, help="branch name or id (default: every branch)")
    changes.add_argument("--actor", default=None, help="only changes made by this account id")
    changes.add_argument("--kind", default=None, help="only changes to objects of this kind")
    events = audit_sub.add_parser("events", help="a branch's raw events in order, as JSON lines")
    _events_range(events)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # replay, rebuild, verify and the benchmarks fold or build hundreds of thousands of objects:
    # with the default threshold the collector walked them again and again (a rebuild's Python
    # CPU, measured: 11.7 s -> 6.6 s for 100,000 events), as in the services
    raise_collection_threshold()
    try:
        return _dispatch(args)
    except (SettingsError, CliArgumentError) as exc:
        print(f"strata: {exc}", file=sys.stderr)
        return 2
    except StrataError as exc:
        print(f"strata {args.command}: {exc.message}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "dev":
        from strata_cli.dev_stack import DevStack

        stack = DevStack(_dev_settings())
        if args.dev_command == "start":
            stack.start()
        elif args.dev_command == "run":
            stack.run_foreground()
        elif args.dev_command == "stop":
            stack.stop()
        elif args.dev_command == "reset":
            stack.reset()
        elif args.dev_command == "status":
            return 0 if stack.status() else 1
        return 0
    if args.command in _SERVICE_MODULES:
        _settings()  # refuse bad settings here, with the CLI's message, before exec
        env = dict(os.environ)
        env.setdefault("STRATA_DATA_DIR", str(repo_root() / ".data"))
        module = _SERVICE_MODULES[args.command]
        # Services are entry points never imported by other code: the CLI execs them.
        os.execve(sys.executable, [sys.executable, "-m", module], env)
    if args.command == "bench":
        from strata_cli.bench.runner import run_bench

        return int(run_bench(_settings(), args.suite, quick=args.quick, as_json=args.json))
    if args.command in ("audit", "replay", "verify", "rebuild"):
        from strata_core.logging_setup import configure_logging

        # the projection these commands run inside logs per batch: only trouble is shown
        configure_logging(log_format="console", level="warning")
    if args.command == "audit":
        return _dispatch_audit(args)
    if args.command == "replay":
        from strata_cli.replay import run_print_events, run_replay

        if args.print_events:
            return run_print_events(_settings(), args.branch_id, args.start, args.end)
        return run_replay(_settings(), args.neo4j_uri, args.neo4j_heap)
    if args.command == "verify":
        from strata_cli.verify import run_verify

        return run_verify(_settings(), args.neo4j_uri, args.wait, args.neo4j_heap)
    if args.command == "rebuild":
        from strata_cli.rebuild import run_rebuild

        return run_rebuild(_settings())
    raise AssertionError(f"unhandled command {args.command}")


def _dispatch_audit(args: argparse.Namespace) -> int:
    from strata_cli.audit import run_audit_changes, run_audit_object
    from strata_cli.replay import run_print_events

    if args.audit_command == "object":
        return run_audit_object(_settings(), args.node_id, args.branch, args.fmt, args.output)
    if args.audit_command == "changes":
        return run_audit_changes(_settings(), since=args.since, until=args.until, branch=args.branch,
                                 actor=args.actor, kind=args.kind, fmt=args.fmt, output=args.output)  # fmt: skip
    return run_print_events(_settings(), args.branch_id, args.start, args.end)


if __name__ == "__main__":
    sys.exit(main())
