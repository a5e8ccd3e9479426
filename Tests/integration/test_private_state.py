"""The local stack's PostgreSQL accepts only the stack's own role, with its password, and the
stack runs from a checkout inside a private (0700) directory, as a clone under /root would be."""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
import pytest

from conftest import BINARY, REPO


def test_the_cluster_accepts_only_its_own_role_with_its_password(stack):
    cluster = stack.postgres
    with psycopg.connect(cluster.url("nexus_vault")) as connection:
        assert connection.execute("SELECT current_user").fetchone() == ("postgres",)
    without_password = f"postgresql://postgres@127.0.0.1:{cluster.port}/nexus_vault"
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(without_password, connect_timeout=5)
    with psycopg.connect(cluster.url("nexus_vault"), autocommit=True) as connection:
        connection.execute("DROP ROLE IF EXISTS intruder")
        connection.execute("CREATE ROLE intruder LOGIN PASSWORD 'intruder-password'")
    try:
        with pytest.raises(psycopg.OperationalError, match="pg_hba.conf"):
            psycopg.connect(f"postgresql://intruder:intruder-password@127.0.0.1:{cluster.port}/nexus_vault",
                            connect_timeout=5)
    finally:
        with psycopg.connect(cluster.url("nexus_vault"), autocommit=True) as connection:
            connection.execute("DROP ROLE intruder")
    rules = [line.split() for line in (Path(cluster.data_dir) / "pg_hba.conf").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert rules and all(rule[2] == "postgres" and rule[-1] == "scram-sha-256" for rule in rules), rules
    assert stat.S_IMODE(os.stat(cluster.password_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(cluster.socket_dir).st_mode) == 0o700, "the server's socket directory is private"


# Starts a stack from the copy's own devstack, with free ports (make run's are fixed), and
# exercises the database and nginx through it; prints what the test checks.
STACK_FROM_THE_COPY = """
import json, sys, urllib.request
from pathlib import Path
from deploy.devstack.stack import REPO, Stack, StackConfig
stack = Stack(StackConfig(state_dir=Path(sys.argv[1]), binary=Path(sys.argv[2]), workers=1, log_to_file=True))
try:
    stack.start()
    organization = stack.nexus("org", "create", "--name", "Private Clone Org")
    health = urllib.request.urlopen(stack.base_url + "/functions/v1/health", timeout=10).status
    print(json.dumps({"organization": organization, "health": health, "service_dir": str(stack.service_dir),
                      "repo": str(REPO)}))
finally:
    stack.stop()
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="only a root-run stack hands parts to the postgres and www-data users")
def test_the_stack_runs_from_a_checkout_in_a_private_directory():
    private = Path(tempfile.mkdtemp(prefix="nexus-vault-private-"))  # 0700, like /root
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o700
    checkout = private / "clone"
    service_dir = None
    try:
        for part in ("deploy", "nginx", "migrations"):
            shutil.copytree(REPO / part, checkout / part, ignore=shutil.ignore_patterns("__pycache__"))
        result = subprocess.run([sys.executable, "-c", STACK_FROM_THE_COPY, str(checkout / "var"), str(BINARY)],
                                cwd=checkout, capture_output=True, text=True, timeout=240)
        assert result.returncode == 0, result.stderr[-3000:]
        report = json.loads(result.stdout.strip().splitlines()[-1])
        service_dir = Path(report["service_dir"])
        assert report["repo"] == str(checkout)
        assert report["health"] == 200 and len(report["organization"]) == 36
        assert not service_dir.is_relative_to(private), "the cluster and sockets moved where their users reach them"
        assert (service_dir / "state-dir").read_text().strip() == str(checkout / "var")
        assert stat.S_IMODE(os.stat(service_dir / "run").st_mode) == 0o750
        assert stat.S_IMODE(os.stat(service_dir / "pgdata").st_mode) == 0o700
    finally:
        shutil.rmtree(private, ignore_errors=True)
        if service_dir is not None:
            shutil.rmtree(service_dir, ignore_errors=True)
