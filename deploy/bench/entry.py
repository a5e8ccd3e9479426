"""What every benchmark entry point shares: the binary it measures, whole-second settings from
the environment, and running `main` so that Ctrl-C and SIGTERM unwind through the finally
blocks that stop everything it started."""
from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from deploy.devstack.stack import REPO

# NEXUS_VAULT_BIN, or the release build.
BINARY = Path(os.environ.get("NEXUS_VAULT_BIN") or REPO / ".build/release/nexus-vault")


def built_binary() -> Path:
    """`BINARY`; exits (1) saying how to build it when it is not there."""
    if not BINARY.exists():
        print(f"bench: {BINARY} is missing: run `make build` first", file=sys.stderr)
        raise SystemExit(1)
    return BINARY


def seconds_setting(name: str, default: int) -> int:
    text = os.environ.get(name, "")
    if not text:
        return default
    if not text.isdigit():
        raise SystemExit(f"bench: {name} must be a whole number of seconds, not {text!r}")
    return int(text)


def run(main: Callable[[], int]) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\nbench: interrupted; everything it started is stopped", file=sys.stderr)
        sys.exit(130)
