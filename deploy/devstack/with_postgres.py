"""`python3 -m deploy.devstack.with_postgres COMMAND...`: runs COMMAND with a private, throwaway
PostgreSQL cluster and its URL in NEXUS_TEST_DATABASE_URL (how `make unit-test` gives the
Swift tests of the Postgres layer a real server), then removes the cluster."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

from .postgres import PostgresCluster
from .processes import free_port


def main() -> int:
    command = sys.argv[1:]
    if command[:1] == ["--"]:
        command = command[1:]
    if not command:
        print("usage: python3 -m deploy.devstack.with_postgres COMMAND...", file=sys.stderr)
        return 64
    directory = tempfile.mkdtemp(prefix="nexus-vault-pg-")
    os.chmod(directory, 0o755)
    cluster = PostgresCluster(os.path.join(directory, "data"), free_port())
    try:
        cluster.start()
        cluster.create_database("nexus_vault_test")
        environment = {**os.environ, "NEXUS_TEST_DATABASE_URL": cluster.url("nexus_vault_test")}
        return subprocess.call(command, env=environment)
    finally:
        if cluster.is_running():
            cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
