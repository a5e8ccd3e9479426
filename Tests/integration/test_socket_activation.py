"""systemd socket activation: `serve` takes the listen socket from LISTEN_FDS instead of binding."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

import pytest
import requests

from conftest import BINARY, start_stack
from deploy.devstack.processes import stop_process, wait_until


@pytest.mark.skipif(shutil.which("systemd-socket-activate") is None, reason="systemd-socket-activate is not installed")
def test_serve_accepts_a_socket_from_systemd():
    stack = start_stack()
    activator = None
    try:
        stop_process(stack.serve)  # the stack's own serve leaves; the activator takes its socket path
        settings = stack.env_file.read_text().replace(f"FCGI_LISTEN=unix:{stack.fastcgi_socket}", "FCGI_LISTEN=systemd")
        activated_env = stack.state / "activated.env"
        activated_env.write_text(settings)
        stack.fastcgi_socket.unlink(missing_ok=True)
        # The activator binds the socket and, at the first connection, execs serve with it as fd 3.
        activator = subprocess.Popen(["systemd-socket-activate", "-l", str(stack.fastcgi_socket), "--",
                                      str(BINARY), "serve", "--env-file", str(activated_env)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(stack.fastcgi_socket.exists, 10, "the activator's socket")
        os.chmod(stack.fastcgi_socket, 0o666)  # the activator does not know nginx's user
        deadline = time.monotonic() + 15
        response = None
        while time.monotonic() < deadline:
            response = requests.get(f"{stack.base_url}/functions/v1/health", timeout=10)
            if response.status_code == 200:
                break
            time.sleep(0.2)
        assert response is not None and response.status_code == 200 and response.json() == {"status": "ok"}
        for _ in range(20):
            assert requests.get(f"{stack.base_url}/functions/v1/health", timeout=5).status_code == 200
    finally:
        if activator is not None:
            activator.send_signal(signal.SIGTERM)
            activator.wait(timeout=40)
        stack.stop()
