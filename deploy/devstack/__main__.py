"""`python3 -m deploy.devstack run`: the whole stack in the foreground (what `make run` calls), until
Ctrl-C or SIGTERM stops it (exit 0) or one of its parts exits, which stops the rest and ends the
run with that part's status."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .stack import REPO, SIMULATED_TAILSCALE, Stack, StackConfig, TailscaleTarget
from .watch import StopSignals, wait_for_exit_or_stop


def main() -> int:
    parser = argparse.ArgumentParser(prog="python3 -m deploy.devstack")
    parser.add_argument("command", choices=["run"])
    parser.add_argument("--binary", default=str(REPO / ".build/release/nexus-vault"))
    parser.add_argument("--state-dir", default=str(REPO / "var"))
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--postgres-port", type=int, default=54329)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    options = parser.parse_args()

    tailscale = SIMULATED_TAILSCALE
    if os.environ.get("TAILSCALE_CLIENT_ID") and os.environ.get("TAILSCALE_CLIENT_SECRET"):
        tailscale = TailscaleTarget.real({name: os.environ[name] for name in
                                          ("TAILSCALE_CLIENT_ID", "TAILSCALE_CLIENT_SECRET", "TAILSCALE_TAILNET",
                                           "TAILSCALE_AUTH_KEY") if os.environ.get(name)})
    config = StackConfig(state_dir=Path(options.state_dir), binary=Path(options.binary), http_port=options.port,
                         postgres_port=options.postgres_port, workers=options.workers, tailscale=tailscale,
                         simulator_demo_devices=3, log_to_file=False, nginx_rate_limit="50r/s")
    stack = Stack(config)
    # Caught from here on: a stop asked for during the start waits for it, then stops it all.
    stop = StopSignals()
    exited = None
    try:
        stack.start()
        admin_id = first_run_demo(stack)
        print_welcome(stack, admin_id)
        exited = wait_for_exit_or_stop(stack.parts(), stop)
        if exited is not None:
            exited.end_its_leftovers()
            print(f"devstack: {exited.name} (pid {exited.pid}) {exited.how_it_ended()}; stopping the rest",
                  file=sys.stderr, flush=True)
    finally:
        print("\nstopping the stack ...", flush=True)
        stack.stop()
    return exited.exit_code() if exited is not None else 0


def first_run_demo(stack: Stack) -> str:
    """A demo organization and admin, created once and remembered in the state directory."""
    marker = stack.state / "demo-admin-id"
    if marker.exists():
        return marker.read_text(encoding="utf-8").strip()
    org = stack.nexus("org", "create", "--name", "Demo Organization")
    admin = stack.nexus("user", "create", "--org", org, "--role", "org_admin", "--name", "Demo Admin")
    marker.write_text(admin + "\n", encoding="utf-8")
    return admin


def print_welcome(stack: Stack, admin_id: str) -> None:
    token = stack.token(admin_id, ttl=24 * 3600)
    tailscale = (f"the Tailscale simulator at {stack.simulator_url}" if stack.config.tailscale.simulator
                 else "the real Tailscale API")
    print(f"""
Nexus Vault Gateway is running on {stack.base_url} (Tailscale: {tailscale}).
{private_note(stack)}Demo admin user: {admin_id}  (token below valid 24 h; mint more with
  .build/release/nexus-vault token --user {admin_id} --env-file {stack.env_file})

Device monitor page (signs in as the demo admin; the token stays in the URL fragment, which
the browser never sends to a server):
  {stack.monitor_url}#token={token}

Try it:
  curl -s {stack.base_url}/functions/v1/health
  curl -s -X POST {stack.base_url}/functions/v1/device-enrollment \\
    -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' \\
    -d '{{"action":"generate_token","device_name":"My Laptop","os":"Debian 12"}}'

Ctrl-C stops everything.
""", flush=True)


def private_note(stack: Stack) -> str:
    if stack.service_dir == stack.state:
        return ""
    return (f"The state directory {stack.state} is private, so PostgreSQL and the sockets live in\n"
            f"{stack.service_dir} (remove it with the state directory).\n")


if __name__ == "__main__":
    sys.exit(main())
