"""systemd readiness (`Type=notify`): the supervisor reports READY=1 once its workers answer,
RELOADING=1 and READY=1 around a reload, STOPPING=1, and a STATUS= line with the pool's counts,
to a notify socket that this test binds and listens on itself (a path, or an abstract name)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
import uuid

import pytest
import requests

from conftest import BINARY, REPO, start_stack
from deploy.devstack.processes import child_pids, spawn, stop_process, wait_until


class NotifyListener:
    """A datagram socket like systemd's: every message it receives, with when it arrived."""

    def __init__(self, address: str):
        self.address = address
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.socket.bind("\0" + address[1:] if address.startswith("@") else address)
        self.socket.settimeout(0.2)
        self.messages: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._receive, daemon=True)
        self._thread.start()

    def _receive(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.socket.recv(4096)
            except socket.timeout:
                continue
            with self._lock:
                self.messages.append((time.monotonic(), data.decode()))

    def received(self) -> list[str]:
        with self._lock:
            return [message for _, message in self.messages]

    def states(self) -> list[str]:
        """Every message but STATUS=, with RELOADING's timestamp left out."""
        return [message.split("\n")[0] for message in self.received() if not message.startswith("STATUS=")]

    def statuses(self) -> list[str]:
        """Every STATUS= line, alone or sent with READY=1."""
        return [line for message in self.received() for line in message.split("\n") if line.startswith("STATUS=")]

    def wait_for_state(self, count: int, timeout: float = 20) -> None:
        wait_until(lambda: len(self.states()) >= count, timeout, f"{count} notifications, got {self.states()}")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.socket.close()
        if not self.address.startswith("@"):
            os.unlink(self.address)


def health_ok(stack) -> bool:
    try:
        return requests.get(f"{stack.base_url}/functions/v1/health", timeout=5).status_code == 200
    except requests.RequestException:
        return False


@pytest.mark.parametrize("kind", ["path", "abstract"])
def test_start_reload_and_stop_are_notified_in_order(kind):
    stack = start_stack()
    address = str(stack.run_dir / "notify.sock") if kind == "path" else f"@nexus-vault-test-{uuid.uuid4().hex}"
    listener = NotifyListener(address)
    try:
        stop_process(stack.serve)  # restarted below under our notify socket
        stack.fastcgi_socket.unlink(missing_ok=True)
        stack.serve = spawn([str(BINARY), "serve", "--env-file", str(stack.env_file)], cwd=str(REPO),
                            env={**os.environ, "NOTIFY_SOCKET": address},
                            stdout=open(stack.log_file, "ab"), stderr=subprocess.STDOUT)

        listener.wait_for_state(1)
        assert listener.states() == ["READY=1"]
        assert health_ok(stack), "READY=1 came before the workers answered"
        statuses = listener.statuses()
        assert statuses and "2 of 2 workers ready" in statuses[-1], statuses
        workers = [pid for pid in child_pids(stack.serve.pid) if "worker" in open(f"/proc/{pid}/cmdline").read()]
        for pid in workers:
            with open(f"/proc/{pid}/environ", "rb") as environ:
                assert b"NOTIFY_SOCKET=" not in environ.read(), "a worker inherited NOTIFY_SOCKET"

        # Steady state: requests change no count, so no STATUS= line is sent for them.
        time.sleep(0.6)
        before = len(listener.received())
        session = requests.Session()
        for _ in range(100):
            assert session.get(f"{stack.base_url}/functions/v1/health", timeout=5).status_code == 200
        time.sleep(0.6)
        assert listener.received()[before:] == []

        sent_at = time.clock_gettime(time.CLOCK_MONOTONIC)
        stack.serve.send_signal(signal.SIGHUP)
        listener.wait_for_state(3)
        reloading = next(message for message in listener.received() if message.startswith("RELOADING=1"))
        usec = int(dict(line.split("=", 1) for line in reloading.split("\n"))["MONOTONIC_USEC"])
        assert sent_at - 1 < usec / 1e6 < sent_at + 5, (usec, sent_at)
        assert health_ok(stack)
        after_reload = listener.statuses()
        assert "generation 1: 2 of 2 workers ready" in after_reload[-1], after_reload
        assert "1 reloads" in after_reload[-1]

        stack.serve.send_signal(signal.SIGTERM)
        assert stack.serve.wait(timeout=40) == 0
        time.sleep(0.3)
        assert listener.states() == ["READY=1", "RELOADING=1", "READY=1", "STOPPING=1"]
    finally:
        stack.stop()
        listener.close()


def test_a_refused_reload_reports_ready_again():
    stack = start_stack()
    address = str(stack.run_dir / "notify.sock")
    listener = NotifyListener(address)
    try:
        stop_process(stack.serve)
        stack.fastcgi_socket.unlink(missing_ok=True)
        stack.serve = spawn([str(BINARY), "serve", "--env-file", str(stack.env_file)], cwd=str(REPO),
                            env={**os.environ, "NOTIFY_SOCKET": address},
                            stdout=open(stack.log_file, "ab"), stderr=subprocess.STDOUT)
        listener.wait_for_state(1)
        stack.env_file.write_text(stack.env_file.read_text() + "WORKERS=many\n")
        stack.serve.send_signal(signal.SIGHUP)
        listener.wait_for_state(3)
        assert listener.states() == ["READY=1", "RELOADING=1", "READY=1"]
        assert health_ok(stack)
    finally:
        stack.stop()
        listener.close()
