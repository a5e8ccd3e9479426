"""What the fault benchmarks share: a wrk run in a background thread (so that the
caller can break things meanwhile) and what counts as failed in a wrk
report (non-2xx answers and socket errors, time-outs included)."""
from __future__ import annotations

import threading
from pathlib import Path

from . import wrk


def failed(result: wrk.WrkResult) -> int:
    return result.non_2xx + result.total_socket_errors


def failed_percent(result: wrk.WrkResult) -> float:
    return 100.0 * failed(result) / max(1, result.requests)


class Background(threading.Thread):
    """One wrk run in a thread, so that the caller can break things while it runs."""

    def __init__(self, base_url: str, request: wrk.HTTPRequest, seconds: int, script: Path):
        super().__init__(daemon=True)
        self.arguments = (base_url, request, seconds, script)
        self.result: wrk.WrkResult | None = None
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            self.result = wrk.run(*self.arguments)
        except Exception as error:  # reported by the caller
            self.error = error

    def outcome(self) -> wrk.WrkResult:
        self.join()
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result
