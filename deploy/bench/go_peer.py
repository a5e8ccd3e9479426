"""The Go peer (go-peer/main.go): built in GOPATH mode from Debian's packages (no module proxy
here), started beside the stack on its own unix socket; nginx proxies /go-peer/ to it."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from deploy.devstack.processes import stop_process, wait_until

SOURCE = Path(__file__).resolve().parent / "go-peer" / "main.go"
# Debian's golang-github-jackc-pgx-v4-dev installs pgx and its dependencies here.
GOPATH = "/usr/share/gocode"


class GoPeerError(RuntimeError):
    pass


class GoPeer:
    def __init__(self, build_dir: Path, socket: Path, database_url: str, jwt_secret: str, pool_size: int):
        self.build_dir = build_dir
        self.executable = build_dir / "go-peer"
        self.socket = socket
        self.database_url = database_url
        self.jwt_secret = jwt_secret
        self.pool_size = pool_size
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        environment = os.environ | {"GO111MODULE": "off", "GOPATH": GOPATH, "GOCACHE": str(self.build_dir / "go-cache")}
        built = subprocess.run(["go", "build", "-o", str(self.executable), str(SOURCE)],
                               capture_output=True, text=True, env=environment)
        if built.returncode != 0:
            raise GoPeerError(f"building {SOURCE.name} failed (make bench installs golang-go and "
                              f"golang-github-jackc-pgx-v4-dev):\n{built.stderr.strip()}")
        # The secret and the URL are arguments of a process of ours, on a machine of ours.
        self.process = subprocess.Popen([str(self.executable), str(self.socket), self.database_url,
                                         self.jwt_secret, str(self.pool_size)])
        wait_until(self.socket.exists, 15, "the Go peer's socket")

    def stop(self) -> None:
        stop_process(self.process, timeout=5)
