"""The run as a table on stdout and as JSON in var/bench-latest.json."""
from __future__ import annotations

import json
import time
from pathlib import Path

from .goals import evaluate
from .results import BenchRun, ScenarioResult

COLUMNS = (f"{'scenario':<30} {'req/s':>9} {'p50':>9} {'p99':>9} {'nginx p99':>9} {'% ceiling':>9} {'x go peer':>9} "
           f"{'non-2xx':>8}  notes")


def format_run(run: BenchRun) -> str:
    p = run.parameters
    lines = [f"wrk -t{p.threads} -c{p.connections} -d{p.duration_seconds}s through nginx, median of {p.rounds} "
             f"alternating rounds; {p.workers} gateway workers, {p.workers} ceiling workers; % ceiling: of the "
             f"keep-alive C ceiling; x go peer: against the Go service doing the same work; nginx p99: the same "
             f"requests as nginx timed them (without the client's side)", "", COLUMNS, "-" * len(COLUMNS)]
    results = ([run.ceiling] if run.ceiling else []) + run.references + run.scenarios
    lines += [_row(result, run) for result in results]
    lines += ["", _memory_line(run), "", "goals:"]
    lines += [f"  [{verdict.outcome}] {verdict.goal}: {verdict.found}" for verdict in evaluate(run)]
    return "\n".join(lines)


def _row(result: ScenarioResult, run: BenchRun) -> str:
    measured = result.measured
    if measured is None:
        return f"{result.name:<30} skipped ({result.skipped})"
    percent = run.percent(result)
    notes = []
    if measured.total_socket_errors:
        notes.append(f"socket errors {measured.total_socket_errors}")
    if result.device_list_calls is not None:
        notes.append(f"device-list calls {result.device_list_calls} "
                     f"(budget {run.parameters.device_list_budget} in {run.parameters.duration_seconds} s)")
    percent_text = f"{percent:.1f}%" if percent is not None else "-"
    peer_text = f"{result.times_peer:.2f}x" if result.times_peer is not None else "-"
    # nginx times to the millisecond.
    nginx_text = f"{result.at_nginx.p99_ms:.0f}ms" if result.at_nginx is not None else "-"
    return (f"{result.name:<30} {measured.requests_per_second:>9.0f} {measured.p50_ms:>7.2f}ms "
            f"{measured.p99_ms:>7.2f}ms {nginx_text:>9} {percent_text:>9} {peer_text:>9} {measured.non_2xx:>8}  "
            f"{'; '.join(notes)}").rstrip()


def _memory_line(run: BenchRun) -> str:
    if run.memory is None:
        return "memory: not measured"
    workers = ", ".join(f"{kib / 1024:.1f}" for kib in run.memory.worker_kib.values()) or "none found"
    private = ", ".join(f"{kib / 1024:.1f}" for kib in run.memory.worker_private_kib.values()) or "none found"
    pss = ", ".join(f"{kib / 1024:.1f}" for kib in run.memory.worker_pss_kib.values()) or "none found"
    return (f"memory (VmRSS after the runs): supervisor {run.memory.supervisor_kib / 1024:.1f} MiB; "
            f"workers {workers} MiB (private pages {private} MiB, the rest shared libraries; Pss {pss} MiB); "
            f"largest worker seen after any scenario {run.peak_worker_kib / 1024:.1f} MiB")


def write_json(run: BenchRun, path: Path) -> None:
    ceiling_rps = run.ceiling_rps
    document = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "parameters": vars(run.parameters) | {"device_list_budget": run.parameters.device_list_budget},
        "ceiling": run.ceiling.as_json(ceiling_rps) if run.ceiling else None,
        "references": [result.as_json(ceiling_rps) for result in run.references],
        "scenarios": [result.as_json(ceiling_rps) for result in run.scenarios],
        "memory": (run.memory.as_json() | {"peak_worker_kib": run.peak_worker_kib}) if run.memory else None,
        "goals": [vars(verdict) for verdict in evaluate(run)],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
