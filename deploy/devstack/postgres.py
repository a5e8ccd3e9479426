"""A private PostgreSQL cluster for tests and `make run` (Python 3.11 stdlib only).

PostgreSQL refuses to run as root, and both the test harness and `make run` are root on CI,
so every server-side command runs as the `postgres` system user in a directory it owns.
The cluster accepts only its own role, `postgres`, with a password generated at initdb and kept
in a 0600 file beside the data directory (`password_file`), on the unix socket and 127.0.0.1;
its sockets live in the 0700 data directory, so no other local user reaches them at all.
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import re
import secrets
import shutil
import socket
import subprocess
import tempfile

SERVER_USER = "postgres"
HBA_RULES = (
    "# written by deploy/devstack/postgres.py: the stack's own role only, with its password\n"
    f"local all {SERVER_USER} scram-sha-256\n"
    f"host  all {SERVER_USER} 127.0.0.1/32 scram-sha-256\n"
)


class PostgresClusterError(RuntimeError):
    pass


def find_bin_dir() -> str:
    """The newest installed server's bin directory (/usr/lib/postgresql/<major>/bin)."""
    candidates = [d for d in glob.glob("/usr/lib/postgresql/*/bin") if os.path.exists(os.path.join(d, "pg_ctl"))]
    if not candidates:
        raise PostgresClusterError("no PostgreSQL server found under /usr/lib/postgresql/*/bin")

    def major(path: str) -> float:
        match = re.search(r"/postgresql/([0-9.]+)/bin", path)
        return float(match.group(1)) if match else 0.0

    return max(candidates, key=major)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # Bind the way the server does (SO_REUSEADDR): connections of a just-stopped server in
        # TIME_WAIT do not count as "in use", a listener does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class PostgresCluster:
    def __init__(self, data_dir: str, port: int, socket_dir: str | None = None, password_file: str | None = None):
        self.data_dir = os.path.abspath(data_dir)
        self.port = port
        # Sockets live in the data directory by default: only the server user may enter it
        # (0700), and the path stays short enough for sun_path (107 bytes).
        self.socket_dir = os.path.abspath(socket_dir) if socket_dir else self.data_dir
        self.password_file = os.path.abspath(password_file or self.data_dir + ".password")
        self.bin_dir = find_bin_dir()
        self.log_file = os.path.join(self.data_dir, "postmaster.log")

    # --- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        if self.is_running():
            return
        if not os.path.exists(os.path.join(self.data_dir, "PG_VERSION")):
            self._initdb()
        self._remove_stale_pid_file()
        if not port_is_free(self.port):
            raise PostgresClusterError(f"port {self.port} on 127.0.0.1 is already in use")
        self._prepare_dir(self.socket_dir)
        server_options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories='{self.socket_dir}'"
        )
        result = self._run_as_server(
            [self._bin("pg_ctl"), "start", "-w", "-t", "60", "-D", self.data_dir,
             "-l", self.log_file, "-o", server_options],
        )
        if result.returncode != 0:
            raise PostgresClusterError(f"pg_ctl start failed: {result.stderr.strip()}\n{self._log_tail()}")
        self._require_password()

    def stop(self, mode: str = "fast") -> None:
        if not self.is_running():
            return
        result = self._run_as_server([self._bin("pg_ctl"), "stop", "-w", "-t", "60", "-m", mode, "-D", self.data_dir])
        if result.returncode != 0:
            raise PostgresClusterError(f"pg_ctl stop failed: {result.stderr.strip()}")

    def restart(self) -> None:
        self.stop()
        self.start()

    def is_running(self) -> bool:
        if not os.path.exists(os.path.join(self.data_dir, "PG_VERSION")):
            return False
        return self._run_as_server([self._bin("pg_ctl"), "status", "-D", self.data_dir]).returncode == 0

    def server_pid(self) -> int | None:
        """The postmaster's pid, from the first line of its pid file (None when it has none)."""
        try:
            with open(os.path.join(self.data_dir, "postmaster.pid"), encoding="utf-8") as pid_file:
                return int(pid_file.readline())
        except (OSError, ValueError):
            return None

    # --- clients ---------------------------------------------------------------------------

    @property
    def password(self) -> str:
        """The role's password, generated on first use (hex: safe in a URL as it is)."""
        if not os.path.exists(self.password_file):
            descriptor = os.open(self.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(secrets.token_hex(24) + "\n")
        with open(self.password_file, encoding="utf-8") as file:
            return file.read().strip()

    def url(self, dbname: str = "nexus_vault") -> str:
        return f"postgresql://{SERVER_USER}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def socket_url(self, dbname: str = "nexus_vault") -> str:
        """The same database over the unix socket: cheaper than TCP loopback for the kernel on
        both ends, which is what the local service uses."""
        return f"postgresql://{SERVER_USER}:{self.password}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str) -> None:
        # \gexec runs the generated statement only when the database is missing.
        script = (
            f"SELECT format('CREATE DATABASE %I', :'name') "
            f"WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'name') \\gexec\n"
        )
        self._psql(script, "postgres", variables={"name": name})

    def psql(self, sql: str, dbname: str = "nexus_vault") -> str:
        """Runs `sql` (one or more statements) and returns psql's unaligned, tuples-only output."""
        return self._psql(sql, dbname)

    # --- helpers ---------------------------------------------------------------------------

    def _psql(self, script: str, dbname: str, variables: dict[str, str] | None = None) -> str:
        command = [self._bin("psql"), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1",
                   "-h", self.socket_dir, "-p", str(self.port), "-U", SERVER_USER, "-d", dbname]
        for key, value in (variables or {}).items():
            command += ["-v", f"{key}={value}"]
        result = subprocess.run(command, input=script, capture_output=True, text=True, cwd="/",
                                env={**os.environ, "PGPASSWORD": self.password})
        if result.returncode != 0:
            raise PostgresClusterError(f"psql failed on database {dbname}: {result.stderr.strip()}")
        return result.stdout

    def _initdb(self) -> None:
        self._prepare_dir(self.data_dir)
        # initdb runs as the server user and reads the password from a file: a copy only that
        # user can read, removed right after.
        scratch = tempfile.mkdtemp(prefix="nexus-vault-initdb-")
        try:
            password_copy = os.path.join(scratch, "password")
            with open(password_copy, "w", encoding="utf-8") as file:
                file.write(self.password + "\n")
            self._chown_to_server(scratch)
            self._chown_to_server(password_copy)
            result = self._run_as_server(
                [self._bin("initdb"), "-D", self.data_dir, "-U", SERVER_USER, "-E", "UTF8", "--locale=C.UTF-8",
                 "--auth=scram-sha-256", f"--pwfile={password_copy}", "--no-instructions"],
            )
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        if result.returncode != 0:
            raise PostgresClusterError(
                f"initdb failed (the `{SERVER_USER}` user needs to reach {self.data_dir}): {result.stderr.strip()}"
            )
        self._write_hba()

    def _write_hba(self) -> None:
        hba_path = os.path.join(self.data_dir, "pg_hba.conf")
        with open(hba_path, "w") as hba:
            hba.write(HBA_RULES)
        self._chown_to_server(hba_path)

    def _require_password(self) -> None:
        """A cluster made before passwords were required (`trust` for every local user) gets its
        role's password and the strict rules once, while `trust` still lets us in."""
        with open(os.path.join(self.data_dir, "pg_hba.conf")) as hba:
            if hba.read() == HBA_RULES:
                return
        command = [self._bin("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.socket_dir, "-p", str(self.port),
                   "-U", SERVER_USER, "-d", "postgres", "-v", f"password={self.password}"]
        subprocess.run(command, input="ALTER ROLE postgres PASSWORD :'password';\n", capture_output=True, text=True,
                       cwd="/", check=True)
        self._write_hba()
        self._run_as_server([self._bin("pg_ctl"), "reload", "-D", self.data_dir])

    def _remove_stale_pid_file(self) -> None:
        # A crash leaves postmaster.pid behind; the server usually copes, but not when the
        # recorded pid has been reused by another process.
        pid_file = os.path.join(self.data_dir, "postmaster.pid")
        if os.path.exists(pid_file) and not self.is_running():
            os.remove(pid_file)

    def _prepare_dir(self, path: str) -> None:
        os.makedirs(path, mode=0o700, exist_ok=True)
        self._chown_to_server(path)

    def _chown_to_server(self, path: str) -> None:
        if os.geteuid() == 0:
            account = pwd.getpwnam(SERVER_USER)
            os.chown(path, account.pw_uid, account.pw_gid)

    def _run_as_server(self, command: list[str]) -> subprocess.CompletedProcess:
        as_user = {"user": SERVER_USER, "group": SERVER_USER} if os.geteuid() == 0 else {}
        # cwd "/" so the server user never trips over root's unreadable working directory.
        return subprocess.run(command, capture_output=True, text=True, cwd="/", **as_user)

    def _bin(self, name: str) -> str:
        return os.path.join(self.bin_dir, name)

    def _log_tail(self, lines: int = 20) -> str:
        try:
            with open(self.log_file, errors="replace") as log:
                return "".join(log.readlines()[-lines:])
        except OSError:
            return ""


def main() -> None:
    parser = argparse.ArgumentParser(description="Manage the private development PostgreSQL cluster.")
    parser.add_argument("command", choices=["start", "stop", "restart", "status", "url"])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--port", type=int, default=55432)
    parser.add_argument("--socket-dir")
    parser.add_argument("--database", default="nexus_vault")
    arguments = parser.parse_args()

    cluster = PostgresCluster(arguments.data_dir, arguments.port, arguments.socket_dir)
    if arguments.command == "start":
        cluster.start()
        cluster.create_database(arguments.database)
        print(cluster.url(arguments.database))
    elif arguments.command == "stop":
        cluster.stop()
    elif arguments.command == "restart":
        cluster.restart()
    elif arguments.command == "status":
        print("running" if cluster.is_running() else "stopped")
        raise SystemExit(0 if cluster.is_running() else 3)
    else:
        print(cluster.url(arguments.database))


if __name__ == "__main__":
    main()
