"""`make run` (`python -m deploy.devstack run`) in the foreground: a part that dies ends it with
that part's status, SIGTERM stops everything, a SIGKILLed orchestrator takes its children with
it; the stack closes its copies of its parts' log files, and renders the nginx configuration
of whoever runs it (the benchmark's references)."""
from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings

import pytest
import requests

from conftest import BINARY, REPO, stack_dir, start_stack, wait_for
from deploy.bench import references
from deploy.bench.nginx_timing import NginxLatency, TimingLog, TimingLogError, summarize
from deploy.devstack.postgres import PostgresCluster
from deploy.devstack.processes import child_pids, free_port, process_command, stat_fields
from deploy.devstack.stack import Stack

WELCOME = "Nexus Vault Gateway is running on"


def start_time(pid: int) -> str | None:
    """The process's start time (field 22 of its stat): with the pid, it names one process
    even if the pid is reused. None once it has ended (a zombie has ended too)."""
    try:
        fields = stat_fields(pid)
    except OSError:
        return None
    return None if fields[0] in "ZX" else fields[19]


def process_tree(pid: int) -> dict[int, str]:
    """`pid` and everything it started that is still its descendant, with their start times."""
    tree, pending = {}, [pid]
    while pending:
        current = pending.pop()
        started = start_time(current)
        if started is not None:
            tree[current] = started
            pending += child_pids(current)
    return tree


def still_running(processes: dict[int, str]) -> list[str]:
    return [" ".join(process_command(pid)) or str(pid) for pid, started in processes.items()
            if start_time(pid) == started]


class ForegroundStack:
    """`python -m deploy.devstack run` on free ports in a fresh state directory, its output in files."""

    def __init__(self):
        self.state = stack_dir()
        self.stdout, self.stderr = self.state / "devstack.out", self.state / "devstack.err"
        environment = {name: value for name, value in os.environ.items() if not name.startswith("TAILSCALE_")}
        with open(self.stdout, "wb") as stdout, open(self.stderr, "wb") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "deploy.devstack", "run", "--binary", str(BINARY), "--state-dir", str(self.state),
                 "--port", str(free_port()), "--postgres-port", str(free_port()), "--workers", "1"],
                cwd=REPO, env=environment, stdout=stdout, stderr=stderr)

    def wait_until_running(self) -> None:
        assert wait_for(lambda: WELCOME in self.output() or self.process.poll() is not None, 180), "no welcome"
        assert self.process.poll() is None, f"the devstack ended while starting:\n{self.errors()[-3000:]}"

    def parts(self) -> dict[int, str]:
        """Every process of the stack: the devstack's descendants and PostgreSQL's (pg_ctl
        daemonizes the postmaster)."""
        postmaster = PostgresCluster(str(self.state / "pgdata"), 0).server_pid()
        assert postmaster, "no PostgreSQL pid file"
        return process_tree(self.process.pid) | process_tree(postmaster)

    def child_pid(self, name: str) -> int:
        """The devstack's child whose command line starts with `name` (nginx rewrites its own)."""
        found = [pid for pid in child_pids(self.process.pid) if " ".join(process_command(pid)).startswith(name)]
        assert len(found) == 1, [process_command(pid) for pid in child_pids(self.process.pid)]
        return found[0]

    def output(self) -> str:
        return self.stdout.read_text(errors="replace")

    def errors(self) -> str:
        return self.stderr.read_text(errors="replace")

    def clean_up(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        cluster = PostgresCluster(str(self.state / "pgdata"), 0)
        if cluster.is_running():
            cluster.stop(mode="immediate")
        shutil.rmtree(self.state, ignore_errors=True)


@pytest.fixture()
def foreground():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} is missing: run `make build` (or `make test`) first")
    stack = ForegroundStack()
    yield stack
    stack.clean_up()


@pytest.mark.parametrize(("part", "command"), [("nexus-vault serve", f"{BINARY} serve"),
                                               ("nginx", "nginx: master process")])
def test_a_dead_part_ends_make_run_with_its_status_and_stops_the_rest(foreground, part, command):
    """nginx's workers outlive a SIGKILLed master: the devstack ends them too."""
    foreground.wait_until_running()
    parts = foreground.parts()
    victim = foreground.child_pid(command)
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    status = foreground.process.wait(timeout=30)
    assert time.monotonic() - killed_at < 15, "the devstack took long to notice and stop"
    assert status == 128 + signal.SIGKILL, foreground.errors()[-2000:]
    assert f"devstack: {part} (pid {victim}) was killed by SIGKILL" in foreground.errors()
    assert wait_for(lambda: not still_running(parts), 5), still_running(parts)


def test_sigterm_stops_make_run_and_everything_it_started(foreground):
    foreground.wait_until_running()
    parts = foreground.parts()
    foreground.process.send_signal(signal.SIGTERM)
    assert foreground.process.wait(timeout=60) == 0, foreground.errors()[-2000:]
    assert "stopping the stack" in foreground.output()
    assert "was killed by" not in foreground.errors() and "exited with status" not in foreground.errors()
    assert wait_for(lambda: not still_running(parts), 5), still_running(parts)


def test_the_parts_end_with_a_sigkilled_devstack(foreground):
    """No clean-up runs in a SIGKILLed orchestrator: its children's parent-death signal ends
    them. (PostgreSQL, daemonized by pg_ctl, is not a child: a later run opens it again.)"""
    foreground.wait_until_running()
    children = process_tree(foreground.process.pid)
    del children[foreground.process.pid]
    assert len(children) >= 4, children  # nginx and its worker, serve and its worker, the simulator
    foreground.process.kill()
    foreground.process.wait(timeout=5)
    assert wait_for(lambda: not still_running(children), 20), still_running(children)


def test_the_stack_leaves_no_log_file_to_the_garbage_collector():
    """Each part writes its log through its own descriptor; the stack closes its copy once the
    part is started, rather than leaving an unclosed file object behind (a ResourceWarning
    when it is collected, and a descriptor held until then)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        stack = start_stack()
        try:
            gc.collect()
            descriptors = []
            for descriptor in os.listdir("/proc/self/fd"):
                try:
                    descriptors.append(os.readlink(f"/proc/self/fd/{descriptor}"))
                except OSError:
                    continue
            assert stack.log_file.stat().st_size > 0
            assert not [target for target in descriptors if target.startswith(str(stack.run_dir))], descriptors
        finally:
            stack.stop()
            shutil.rmtree(stack.state, ignore_errors=True)
    unclosed = [str(warning.message) for warning in caught
                if issubclass(warning.category, ResourceWarning) and str(stack.run_dir) in str(warning.message)]
    assert not unclosed, unclosed


def test_the_benchmarks_references_answer_through_the_stacks_nginx():
    """The benchmark's own nginx configuration (deploy/bench/references.py) goes into the
    stack's: both C ceilings answer as the gateway's health does; /go-peer/ is routed (502
    here: the Go peer, which needs Go, is not started); nginx times exactly the requests of a
    measured span, none from before it."""
    state = stack_dir()
    stack = Stack(references.stack_config(state_dir=state, binary=BINARY, workers=1))
    ceilings = [references.ceiling(stack, 1), references.keepalive_ceiling(stack, 1)]
    try:
        stack.start()
        for ceiling in ceilings:
            ceiling.start()
        session = requests.Session()
        health = session.get(f"{stack.base_url}/functions/v1/health", timeout=10)
        for path in ("/ceiling/health", "/ceiling-keepalive/health"):
            answer = session.get(stack.base_url + path, timeout=10)
            assert (answer.status_code, answer.content) == (health.status_code, health.content), path
        assert session.get(f"{stack.base_url}/go-peer/functions/v1/health", timeout=10).status_code == 502

        def five_requests() -> int:
            for _ in range(5):
                assert session.get(f"{stack.base_url}/functions/v1/health", timeout=10).status_code == 200
            return 5
        sent, at_nginx = TimingLog(stack.run_dir).measure(five_requests)
        assert at_nginx is not None and at_nginx.requests == sent, at_nginx
        assert 0 <= at_nginx.p50_ms <= at_nginx.p99_ms < 10_000
    finally:
        for ceiling in ceilings:
            ceiling.stop()
        stack.stop()
        shutil.rmtree(state, ignore_errors=True)


def test_the_timing_log_counts_the_measured_span_alone():
    """Lines logged just outside the span (a warm-up's last ones, flushed late) are not counted;
    p50 and p99 are nearest-rank; a line that is not nginx's `$msec $request_time` fails
    loudly instead of being skipped."""
    lines = ["99.998 9.000", *(f"{100 + n / 1000:.3f} {n / 1000:.3f}" for n in range(1, 101)), "", "200.500 9.000"]
    assert summarize(lines, started=100.0, ended=200.0) == NginxLatency(requests=100, p50_ms=50.0, p99_ms=99.0)
    assert summarize(lines[:1], started=100.0, ended=200.0) is None
    with pytest.raises(TimingLogError):
        summarize(["100.5 - "], started=100.0, ended=200.0)
