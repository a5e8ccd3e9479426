"""Answers that nginx writes itself are JSON like the service's: rate limiting (429) and no
reachable worker (503)."""
from __future__ import annotations

import time

import requests

from conftest import start_stack
from deploy.devstack.processes import stop_process


def test_rate_limit_answers_json_429_and_unreachable_workers_json_503():
    stack = start_stack(nginx_rate_limit="2r/s")
    try:
        session = requests.Session()
        statuses = []
        for _ in range(400):
            response = session.get(f"{stack.base_url}/functions/v1/health", timeout=5)
            statuses.append(response.status_code)
            if response.status_code == 429:
                limited = response
                break
        assert 429 in statuses, "the rate limit never applied"
        assert limited.json() == {"error": "Too many requests"}
        assert limited.headers["Retry-After"] == "1"
        assert limited.headers["Content-Type"] == "application/json; charset=utf-8"
        assert limited.headers["Access-Control-Allow-Origin"] == "*"

        stop_process(stack.serve)
        # Let the bucket drain so that the next answer is about the missing workers.
        time.sleep(1.5)
        down = session.post(f"{stack.base_url}/functions/v1/device-enrollment", json={"action": "x"}, timeout=5)
        assert down.status_code == 503
        assert down.json() == {"error": "Service temporarily unavailable"}
        assert down.headers["Retry-After"] == "5"
        assert down.headers["Cache-Control"] == "no-store"
    finally:
        stack.stop()
