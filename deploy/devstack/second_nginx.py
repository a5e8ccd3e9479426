"""A second nginx in front of a stack's pool, as a second front-end host would run one: the same
configuration (nginx/local.conf.template, the same `keepalive`), its own port, pid file, logs
and temporary files, and the same FastCGI socket. Used to check the keep-alive rule with two
nginx instances keeping connections to one pool (README, "Process model")."""
from __future__ import annotations

import subprocess

from .processes import free_port, http_ok, spawn, stop_process, wait_until
from .stack import Stack


class SecondNginx:
    def __init__(self, stack: Stack):
        self.stack = stack
        self.run_dir = stack.run_dir / "nginx-second"
        self.http_port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> None:
        self.run_dir.mkdir(mode=0o755, exist_ok=True)
        conf = self.stack.write_nginx_config(self.run_dir, self.http_port, free_port(), self.stack.static_root)
        with open(self.run_dir / "nginx.log", "ab") as log:
            self.process = spawn(["nginx", "-c", str(conf), "-p", str(self.run_dir)], stderr=log)
        # A page nginx answers alone: a FastCGI request would leave a kept connection behind,
        # pinning one of the pool's threads before the caller has asked for any.
        wait_until(lambda: http_ok(f"{self.base_url}/monitor/"), 15, "the second nginx's monitor page")

    def stop(self) -> None:
        stop_process(self.process)
