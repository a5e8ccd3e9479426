"""Two pools on one database behind one nginx `upstream`, as two hosts would run them: the
stack's own `nexus-vault serve`, and a second one with its own socket, status file and
processes. Used by the scale-out benchmark and its integration test."""
from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

from deploy.devstack.processes import alive, child_pids, spawn, stop_process, wait_until
from deploy.devstack.stack import REPO, Stack


class SecondPool:
    def __init__(self, stack: Stack):
        self.stack = stack
        self.socket = stack.run_dir / "fcgi-second.sock"
        self.status_file = stack.run_dir / "pool-second-status.json"
        self.env_file = stack.state / "nexus-vault-second.env"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        settings = self.stack.env_file.read_text(encoding="utf-8")
        settings = settings.replace(f"FCGI_LISTEN=unix:{self.stack.fastcgi_socket}", f"FCGI_LISTEN=unix:{self.socket}")
        settings = settings.replace(f"STATUS_FILE={self.stack.status_file}", f"STATUS_FILE={self.status_file}")
        self.env_file.write_text(settings, encoding="utf-8")
        os.chmod(self.env_file, 0o600)
        self.socket.unlink(missing_ok=True)  # left behind when the pool was killed
        log = open(self.stack.run_dir / "nexus-vault-second.log", "ab")
        self.process = spawn([str(self.stack.config.binary), "serve", "--env-file", str(self.env_file)],
                             cwd=str(REPO), stdout=log, stderr=subprocess.STDOUT)
        wait_until(self.socket.exists, 15, "the second pool's socket")

    def stop(self) -> None:
        stop_process(self.process, timeout=40)

    def status(self) -> dict:
        return pool_status(self.status_file)


def pool_status(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def kill_pool(supervisor: subprocess.Popen) -> int:
    """A host gone at once: SIGKILL to the supervisor and every child it had, the supervisor
    first (killed after a child, it could respawn it in between). Returns once every one of
    them has exited: until the last has, the listen socket is open and a connect lands in its
    backlog (nginx sends the request, then reads a reset: its 502, answered as 503, for a POST
    it never resends), which is not the refused connection of a host that is gone. Returns how
    many processes were killed."""
    children = child_pids(supervisor.pid)
    for pid in [supervisor.pid] + children:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    supervisor.wait(timeout=10)
    # The workers are not our children: nothing above waited for them.
    wait_until(lambda: not any(alive(pid) for pid in children), 10, "the killed pool's processes to exit")
    return len(children) + 1


def route_to_both(stack: Stack, second: SecondPool) -> None:
    """Lists both sockets in nginx's upstream (as `server` lines, as the production site shows
    for several hosts) and reloads nginx."""
    conf = stack.run_dir / "nginx.conf"
    text = conf.read_text(encoding="utf-8")
    first_line = f"server unix:{stack.fastcgi_socket};"
    assert first_line in text, "nginx's upstream block is not the one expected"
    conf.write_text(text.replace(first_line, f"{first_line}\n        server unix:{second.socket};"), encoding="utf-8")
    subprocess.run(["nginx", "-t", "-q", "-c", str(conf), "-p", str(stack.run_dir)], check=True)
    old_workers = set(child_pids(stack.nginx.pid))
    subprocess.run(["nginx", "-c", str(conf), "-p", str(stack.run_dir), "-s", "reload"], check=True)
    # Until the old workers are gone, connections they still hold use the old upstream.
    wait_until(lambda: (current := set(child_pids(stack.nginx.pid))) and not current & old_workers, 15,
               "nginx's workers to take the new configuration")
