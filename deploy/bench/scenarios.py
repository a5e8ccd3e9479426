"""The benchmarked requests, in one list: a later feature adds its scenario as one line.

Each scenario builds its request from the fixtures (which create what it needs on first use);
the driver sends it once as a probe and measures it only when that probe answers 200, so the
list can name actions before they exist."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .fixtures import Fixtures
from .wrk import HTTPRequest


@dataclass(frozen=True)
class Scenario:
    name: str
    request: Callable[[Fixtures], HTTPRequest]
    # True: the run also counts the Tailscale API's device-list calls (the simulator's stats).
    calls_tailscale: bool = False


CEILING = Scenario("ceiling (C, libfcgi)", lambda f: HTTPRequest("GET", "/ceiling/health"))

SCENARIOS: list[Scenario] = [
    Scenario("health", lambda f: HTTPRequest("GET", "/functions/v1/health")),
    Scenario("enroll (existing device)", lambda f: f.as_user(
        "device-enrollment", action="enroll", fingerprint=f.enrolled_fingerprint,
        device_name="Bench Laptop", device_type="laptop", os="Debian 12")),
    Scenario("verify (re-verify)", lambda f: f.verify_request(f.verified_enrollment_token)),
    Scenario("generate_token", lambda f: f.as_user("device-enrollment", action="generate_token",
                                                   device_name="Bench Token Device")),
    Scenario("check-device", lambda f: f.as_anon("tailscale-api", action="check-device",
                                                 identifier=f.tailnet_hostname), calls_tailscale=True),
    Scenario("check_tailscale_status", lambda f: f.as_user(
        "device-enrollment", action="check_tailscale_status", enrollment_token=f.polled_device_id),
        calls_tailscale=True),
]
