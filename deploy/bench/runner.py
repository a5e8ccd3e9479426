"""Measures one scenario: build its request, probe it once, warm up, then the measured run."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from . import wrk
from .fixtures import Fixtures, SetupFailed
from .nginx_timing import TimingLog, TimingLogError
from .results import RunParameters, ScenarioResult
from .scenarios import Requests, Scenario


class ScenarioRunner:
    def __init__(self, fixtures: Fixtures, scripts_dir: Path, parameters: RunParameters):
        self.fixtures = fixtures
        self.scripts_dir = scripts_dir
        self.parameters = parameters
        self.timing_log = TimingLog(fixtures.stack.run_dir)

    def measure(self, scenario: Scenario) -> ScenarioResult:
        try:
            request = scenario.request(self.fixtures)
        except SetupFailed as failure:
            return ScenarioResult(scenario.name, skipped=f"setup: {failure}")
        status, _ = self.fixtures.send(wrk.first(request))
        if status != 200:
            return ScenarioResult(scenario.name, skipped=f"probe answered {status}")

        print(f"bench: {scenario.name}: warming up {self.parameters.warmup_seconds} s, "
              f"measuring {self.parameters.duration_seconds} s", file=sys.stderr, flush=True)
        script = self.scripts_dir / (re.sub(r"[^a-z0-9]+", "-", scenario.name.lower()).strip("-") + ".lua")
        base_url = self.fixtures.stack.base_url
        try:
            if self.parameters.warmup_seconds > 0:
                wrk.run(base_url, request, self.parameters.warmup_seconds, script)
            (measured, calls), at_nginx = self.timing_log.measure(lambda: self._measured_run(scenario, request, script))
        except wrk.WrkError as failure:
            return ScenarioResult(scenario.name, skipped=f"wrk failed: {failure}")
        except TimingLogError as failure:
            return ScenarioResult(scenario.name, skipped=str(failure))
        return ScenarioResult(scenario.name, measured, at_nginx=at_nginx, device_list_calls=calls)

    def _measured_run(self, scenario: Scenario, request: Requests, script: Path) -> tuple[wrk.WrkResult, int | None]:
        """The wrk run and the device-list calls over it alone (not over the timing log's
        settling before it and flushing after)."""
        calls_before = self._device_list_calls(scenario)
        measured = wrk.run(self.fixtures.stack.base_url, request, self.parameters.duration_seconds, script)
        calls_after = self._device_list_calls(scenario)
        calls = calls_after - calls_before if calls_before is not None and calls_after is not None else None
        return measured, calls

    def _device_list_calls(self, scenario: Scenario) -> int | None:
        return self.fixtures.device_list_calls() if scenario.calls_tailscale else None
