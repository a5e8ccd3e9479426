"""`nginx -t` on the production site and on the local configuration."""
from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import REPO, stack_dir
from deploy.devstack.stack import install_nested_snippets


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    certificate, key = directory / "fullchain.pem", directory / "privkey.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=gateway.example.com",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True)
    return certificate, key


def test_every_location_passing_to_the_pool_sends_only_what_the_service_reads():
    """Debian's fastcgi_params passes every request header to a worker; our own list passes
    the parameters and headers the service reads (nginx/nexus-vault-fastcgi-params.conf)."""
    passing = 0
    for path in sorted((REPO / "nginx").glob("*.conf")):
        for location in path.read_text().split("\nlocation ")[1:]:
            if "fastcgi_pass " not in location:
                continue
            passing += 1
            assert "include snippets/nexus-vault-fastcgi-params.conf;" in location, path.name
            assert "/etc/nginx/fastcgi_params" not in location, path.name
    assert passing == 3
    params = (REPO / "nginx/nexus-vault-fastcgi-params.conf").read_text()
    assert "fastcgi_pass_request_headers off;" in params


def test_production_site_passes_nginx_t():
    assert_site_passes_nginx_t((REPO / "nginx/nexus-vault.conf").read_text())


def test_the_documented_realip_block_passes_nginx_t():
    """The commented realip lines are what an operator behind a load balancer uncomments."""
    site = (REPO / "nginx/nexus-vault.conf").read_text()
    realip = ("# set_real_ip_from ", "# real_ip_header ", "# real_ip_recursive ")
    enabled = "\n".join(line[2:] if line.startswith(realip) else line for line in site.splitlines())
    assert enabled.count("\nset_real_ip_from ") >= 2 and "\nreal_ip_recursive on;" in enabled
    assert_site_passes_nginx_t(enabled)


def assert_site_passes_nginx_t(site: str) -> None:
    work = stack_dir()
    certificate, key = self_signed_certificate(work)
    site = (site.replace("/etc/ssl/nexus-vault/fullchain.pem", str(certificate))
                .replace("/etc/ssl/nexus-vault/privkey.pem", str(key))
                .replace("/etc/nginx/snippets/", f"{REPO / 'nginx'}/")
                .replace("/var/log/nginx/", f"{work}/"))
    (work / "site.conf").write_text(site)
    install_nested_snippets(work)
    (work / "nginx.conf").write_text(f"""
load_module /usr/share/nginx/modules/ngx_nchan_module.so;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    include {work}/site.conf;
}}
""")
    result = subprocess.run(["nginx", "-t", "-c", str(work / "nginx.conf"), "-p", str(work)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


def test_local_configuration_passes_nginx_t(stack):
    # The stack already ran `nginx -t` on its rendered configuration before starting nginx;
    # run it again here so that a failure names this file.
    conf = stack.run_dir / "nginx.conf"
    result = subprocess.run(["nginx", "-t", "-c", str(conf), "-p", str(stack.run_dir)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
