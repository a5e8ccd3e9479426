"""The benchmark's references behind the stack's own nginx, beside the gateway: the two C
ceilings (ceiling.py) and the Go peer (go_peer.py). Their sockets and nginx configuration are
the benchmark's; the stack only renders what it is given (StackConfig.nginx_http/_server)."""
from __future__ import annotations

import os

from deploy.devstack.stack import Stack, StackConfig

from . import nginx_timing
from .ceiling import Ceiling
from .go_peer import GoPeer

# The keep-alive C ceiling's shape: the threads per process that measured best here
# (../shared/DESIGN.md), behind nginx's `keepalive 16`.
CEILING_THREADS = 32

CEILING_SOCKET = "ceiling.sock"
KEEPALIVE_CEILING_SOCKET = "ceiling-keepalive.sock"
GO_PEER_SOCKET = "go-peer.sock"

# The ceilings: minimal C responders on libfcgi, one without keep-alive (a connection per
# request) and one threaded with keep-alive, both passed the gateway's FastCGI parameters. The
# Go peer: net/http, HTTP/1.1 upstream keep-alive.
# Every request through this nginx, ours and the references', goes into nginx's timing log.
NGINX_HTTP = f"""
    upstream fcgi_ceiling {{
        server unix:@@RUNTIME_DIR@@/{CEILING_SOCKET};
    }}

    upstream fcgi_ceiling_keepalive {{
        server unix:@@RUNTIME_DIR@@/{KEEPALIVE_CEILING_SOCKET};
        keepalive 16;
    }}

    upstream go_peer {{
        server unix:@@RUNTIME_DIR@@/{GO_PEER_SOCKET};
        keepalive 16;
    }}
""" + nginx_timing.NGINX_HTTP

NGINX_SERVER = """
        location = /ceiling/health {
            include snippets/nexus-vault-fastcgi-params.conf;
            fastcgi_pass fcgi_ceiling;
            fastcgi_keep_conn off;
        }

        location = /ceiling-keepalive/health {
            include snippets/nexus-vault-fastcgi-params.conf;
            fastcgi_pass fcgi_ceiling_keepalive;
            fastcgi_keep_conn on;
        }

        location /go-peer/ {
            proxy_pass http://go_peer/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For $remote_addr;
        }
""" + nginx_timing.NGINX_SERVER


def stack_config(**fields) -> StackConfig:
    """A stack's configuration whose nginx also routes to the references."""
    return StackConfig(nginx_http=NGINX_HTTP, nginx_server=NGINX_SERVER, **fields)


def ceiling(stack: Stack, workers: int) -> Ceiling:
    """Today's shape: one thread per process and a connection per request (/ceiling/health)."""
    return Ceiling(stack.state, stack.run_dir / CEILING_SOCKET, workers)


def keepalive_ceiling(stack: Stack, workers: int) -> Ceiling:
    """The ceiling the goals compare with: threads on kept connections (/ceiling-keepalive/health)."""
    return Ceiling(stack.state, stack.run_dir / KEEPALIVE_CEILING_SOCKET, workers, threads=CEILING_THREADS)


# `DB_POOL_SIZE`'s default in Sources/Gateway/Settings/Settings.swift.
SERVICE_DB_POOL_SIZE = 4


def go_peer(stack: Stack, workers: int) -> GoPeer:
    """The Go service doing our work (/go-peer/...), on the stack's database and JWT secret, with
    as many database connections as our whole pool may open on this host (`DB_POOL_SIZE` from
    the environment reaches our workers too)."""
    pool_size = workers * int(os.environ.get("DB_POOL_SIZE") or SERVICE_DB_POOL_SIZE)
    return GoPeer(stack.state, stack.run_dir / GO_PEER_SOCKET, stack.postgres.socket_url("nexus_vault"),
                  stack.jwt_secret, pool_size=pool_size)
