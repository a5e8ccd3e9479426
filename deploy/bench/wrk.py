"""Runs wrk against one request shape and reads the figures out of its report."""
from __future__ import annotations

import re
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

THREADS = 2
CONNECTIONS = 32


class WrkError(RuntimeError):
    pass


@dataclass(frozen=True)
class HTTPRequest:
    method: str
    path: str
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class WrkResult:
    requests: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: dict[str, int]

    @property
    def total_socket_errors(self) -> int:
        return sum(self.socket_errors.values())

    def as_json(self) -> dict:
        return asdict(self)


def lua_string(text: str) -> str:
    """A Lua string literal; every byte outside printable ASCII (and quote, backslash) as \\ddd."""
    escaped = "".join(chr(byte) if 0x20 <= byte < 0x7F and byte not in (0x22, 0x5C) else f"\\{byte:03d}"
                      for byte in text.encode("utf-8"))
    return f'"{escaped}"'


def lua_script(requests: HTTPRequest | list[HTTPRequest]) -> str:
    """One fixed request, or a list that every wrk thread cycles through (from its own random
    start), so that load spreads over many rows, users and tokens."""
    if isinstance(requests, HTTPRequest):
        request = requests
        lines = [f"wrk.method = {lua_string(request.method)}"]
        if request.body is not None:
            lines.append(f"wrk.body = {lua_string(request.body)}")
        lines += [f"wrk.headers[{lua_string(name)}] = {lua_string(value)}" for name, value in request.headers.items()]
        return "\n".join(lines) + "\n"
    entries = []
    for request in requests:
        headers = ", ".join(f"[{lua_string(name)}] = {lua_string(value)}" for name, value in request.headers.items())
        body = lua_string(request.body) if request.body is not None else "nil"
        entries.append(f"{{{lua_string(request.method)}, {lua_string(request.path)}, {{{headers}}}, {body}}}")
    return ("local specs = {\n" + ",\n".join(entries) + "\n}\n" + """
local prepared = {}
local index = 1
function init(args)
  for i, spec in ipairs(specs) do prepared[i] = wrk.format(spec[1], spec[2], spec[3], spec[4]) end
  math.randomseed(tonumber(tostring({}):match("0x(%x+)"), 16) or os.time())
  index = math.random(#prepared)
end
function request()
  local chosen = prepared[index]
  index = index % #prepared + 1
  return chosen
end
""")


def first(requests: HTTPRequest | list[HTTPRequest]) -> HTTPRequest:
    return requests if isinstance(requests, HTTPRequest) else requests[0]


def run(base_url: str, requests: HTTPRequest | list[HTTPRequest], seconds: int, script_path: Path) -> WrkResult:
    # The script carries bearer tokens: readable by us only, and never echoed.
    script_path.touch(mode=0o600)
    script_path.write_text(lua_script(requests), encoding="utf-8")
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
               "-s", str(script_path), base_url + first(requests).path]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if finished.returncode != 0:
        raise WrkError(f"wrk exited with {finished.returncode}: {finished.stderr.strip()}")
    return parse(finished.stdout)


LATENCY_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_latency_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise WrkError(f"unreadable latency {text!r} in wrk's report")
    return float(match[1]) * LATENCY_UNITS_MS[match[2]]


def parse(report: str) -> WrkResult:
    def search(pattern: str) -> re.Match:
        match = re.search(pattern, report, re.MULTILINE)
        if not match:
            raise WrkError(f"wrk's report has no line matching {pattern!r}:\n{report}")
        return match

    percentiles = {int(level): parse_latency_ms(value)
                   for level, value in re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", report, re.MULTILINE)}
    if 50 not in percentiles or 99 not in percentiles:
        raise WrkError(f"wrk's report has no latency distribution (was --latency passed?):\n{report}")
    socket_errors = {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", report)
    if errors:
        socket_errors = dict(zip(socket_errors, map(int, errors.groups())))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    return WrkResult(requests=int(search(r"^\s+(\d+) requests in")[1]),
                     requests_per_second=float(search(r"^Requests/sec:\s+([\d.]+)")[1]),
                     p50_ms=percentiles[50], p99_ms=percentiles[99],
                     non_2xx=int(non_2xx[1]) if non_2xx else 0, socket_errors=socket_errors)
