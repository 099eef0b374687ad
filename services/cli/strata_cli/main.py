"""The `strata` command line. The one entry point that dispatches to the services."""

from __future__ import annotations

import argparse
import os
import sys

from strata_cli.paths import repo_root
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
    replay = sub.add_parser("replay", help="print a branch's events in order (audit)")
    replay.add_argument("--branch-id", default="main")
    replay.add_argument("--start", type=int, default=1)
    replay.add_argument("--end", type=int, default=None)
    sub.add_parser("rebuild", help="drop the read model and rebuild it from the streams")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _dispatch(args)
    except SettingsError as exc:
        print(f"strata: {exc}", file=sys.stderr)
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
    if args.command == "replay":
        from strata_cli.replay import run_replay

        return run_replay(_settings(), args.branch_id, args.start, args.end)
    if args.command == "rebuild":
        from strata_cli.rebuild import run_rebuild

        return run_rebuild(_settings())
    raise AssertionError(f"unhandled command {args.command}")


if __name__ == "__main__":
    sys.exit(main())
