"""The benchmarked requests, in one list: a later feature adds its scenario as one line.

Each scenario builds its request from the fixtures (which create what it needs on first use);
the driver sends it once as a probe and measures it only when that probe answers 200, so the
list can name actions before they exist. A scenario given as a list of requests is spread:
wrk cycles through them (many users, devices, tokens), as real traffic would."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .fixtures import Fixtures
from .wrk import HTTPRequest

Requests = HTTPRequest | list[HTTPRequest]


@dataclass(frozen=True)
class Scenario:
    name: str
    request: Callable[[Fixtures], Requests]
    # True: the run also counts the Tailscale API's device-list calls (the simulator's stats).
    calls_tailscale: bool = False
    # True: the action works in PostgreSQL (its goal is against the Go peer's req/s).
    uses_database: bool = False
    # The Go peer's scenario doing the same work (token check, SQL, answer), when it has one.
    peer: Scenario | None = None


def through_go_peer(requests: Requests) -> Requests:
    """The same requests to the Go peer (nginx routes /go-peer/ to it)."""
    if isinstance(requests, HTTPRequest):
        return replace(requests, path="/go-peer" + requests.path)
    return [replace(request, path="/go-peer" + request.path) for request in requests]


def peer_of(scenario_name: str, request: Callable[[Fixtures], Requests]) -> Scenario:
    return Scenario(f"go peer: {scenario_name}", lambda f: through_go_peer(request(f)))


def health(f: Fixtures) -> Requests:
    return HTTPRequest("GET", "/functions/v1/health")


def enroll_known_devices(f: Fixtures) -> Requests:
    return [f.as_population_user(user_id, "device-enrollment", action="enroll", fingerprint=fingerprint,
                                 device_name="Bench Laptop", device_type="laptop", os="Debian 12")
            for user_id, fingerprint in f.population]


def check_devices(f: Fixtures) -> Requests:
    return [f.as_anon("tailscale-api", action="check-device", identifier=hostname) for hostname in f.tailnet_hostnames]


def poll_joining_devices(f: Fixtures) -> Requests:
    return [f.as_population_user(user_id, "device-enrollment", action="check_tailscale_status", enrollment_token=device_id)
            for user_id, device_id in f.polled_population]


# Today's ceiling (a connection per request), and the new one: threads with kept connections.
CEILING = Scenario("ceiling (C, keep-alive)", lambda f: HTTPRequest("GET", "/ceiling-keepalive/health"))
OLD_CEILING = Scenario("ceiling (C, no keep-alive)", lambda f: HTTPRequest("GET", "/ceiling/health"))

SCENARIOS: list[Scenario] = [
    Scenario("health", health, peer=peer_of("health", health)),
    Scenario("enroll (existing device)", enroll_known_devices, uses_database=True,
             peer=peer_of("enroll", enroll_known_devices)),
    Scenario("verify (re-verify)", lambda f: f.verify_request(f.verified_enrollment_token), uses_database=True),
    Scenario("generate_token", lambda f: [f.as_population_user(user_id, "device-enrollment", action="generate_token",
                                                               device_name="Bench Token Device")
                                          for user_id in f.population_tokens], uses_database=True),
    Scenario("check-device", check_devices, calls_tailscale=True, uses_database=True,
             peer=peer_of("check-device", check_devices)),
    Scenario("check_tailscale_status", poll_joining_devices, calls_tailscale=True, uses_database=True,
             peer=peer_of("check_tailscale_status", poll_joining_devices)),
]
