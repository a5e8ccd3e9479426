"""Fault injection for the Tailscale simulator: the next N matching API calls misbehave."""

import threading
from dataclasses import dataclass

MODES = ("429", "500", "401", "slow", "garbage", "clear")
TOKEN_PATH = "/api/v2/oauth/token"


@dataclass
class Fault:
    mode: str
    remaining: int
    retry_after: str | None = None
    delay_ms: int = 0
    paths: str | None = None
    garbage_shape: str = "text"

    def matches(self, path: str) -> bool:
        if self.remaining <= 0:
            return False
        if self.paths is not None:
            return path.startswith(self.paths)
        # Without an explicit prefix, faults hit calls made with a token, not the token
        # endpoint itself, so "500 x3" means three failed API answers.
        return path.startswith("/api/v2/") and not path.startswith(TOKEN_PATH)


class FaultError(ValueError):
    pass


def parse_fault(spec: dict) -> Fault:
    mode = str(spec.get("mode", ""))
    if mode not in MODES:
        raise FaultError(f"mode must be one of {', '.join(MODES)}")
    count = spec.get("count", 1)
    if not isinstance(count, int) or count < 0:
        raise FaultError("count must be a non-negative integer")
    retry_after = spec.get("retryAfter")
    delay_ms = spec.get("delayMs", 0)
    if not isinstance(delay_ms, int) or delay_ms < 0:
        raise FaultError("delayMs must be a non-negative integer")
    paths = spec.get("paths")
    if paths is not None and not isinstance(paths, str):
        raise FaultError("paths must be a path prefix string")
    shape = spec.get("shape", "text")
    if shape not in ("text", "json"):
        raise FaultError("shape must be text or json")
    return Fault(mode=mode, remaining=count,
                 retry_after=None if retry_after is None else str(retry_after),
                 delay_ms=delay_ms, paths=paths, garbage_shape=shape)


class FaultPlan:
    """Queued faults; each call consumes at most one (the oldest that matches)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault):
        with self._lock:
            if fault.mode == "clear":
                self._faults.clear()
            else:
                self._faults.append(fault)

    def clear(self):
        with self._lock:
            self._faults.clear()

    def take(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(path):
                    fault.remaining -= 1
                    return fault
            self._faults = [f for f in self._faults if f.remaining > 0]
            return None

    def pending(self) -> list[dict]:
        with self._lock:
            return [{"mode": f.mode, "remaining": f.remaining, "paths": f.paths}
                    for f in self._faults if f.remaining > 0]
