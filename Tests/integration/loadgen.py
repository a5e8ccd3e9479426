"""A small bounded load generator for the resilience tests (the benchmark uses wrk)."""
from __future__ import annotations

import threading
import time
from collections import Counter

import requests


class Load:
    """`threads` clients sending `make_request(session)` in a loop until stopped (at most `limit` s)."""

    def __init__(self, make_request, threads: int = 4, limit: float = 60.0):
        self.make_request = make_request
        self.threads = threads
        self.limit = limit
        self.results: list[tuple[float, int | str]] = []  # (time, status or exception name)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []

    def __enter__(self) -> "Load":
        self.started = time.monotonic()
        for _ in range(self.threads):
            worker = threading.Thread(target=self._run, daemon=True)
            worker.start()
            self._workers.append(worker)
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for worker in self._workers:
            worker.join(timeout=40)

    def _run(self) -> None:
        session = requests.Session()
        while not self._stop.is_set() and time.monotonic() - self.started < self.limit:
            try:
                outcome: int | str = self.make_request(session).status_code
            except requests.RequestException as error:
                outcome = type(error).__name__
            with self._lock:
                self.results.append((time.monotonic(), outcome))

    def outcomes(self, since: float | None = None) -> Counter:
        with self._lock:
            return Counter(outcome for moment, outcome in self.results if since is None or moment >= since)
