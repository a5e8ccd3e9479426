"""HTTP/1.1 keep-alive request handler: routes to the API or admin routes, applies faults."""

import json
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from sim_admin_routes import COMPILED_ADMIN_ROUTES
from sim_api_routes import COMPILED_API_ROUTES
from sim_request import Request, Response, error_response
from sim_state import ApiError

MAX_BODY_BYTES = 1 << 20
GARBAGE_BODIES = {"text": b"<html><body>upstream proxy error</body></html>",
                  "json": json.dumps({"unexpected": True}).encode()}


class SimulatorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "tailscale-simulator"

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_PUT(self):
        self._handle("PUT")

    def log_message(self, format, *args):
        if self.server.verbose:
            super().log_message(format, *args)

    def _handle(self, method: str):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            self._send(Response(413, {"message": "request body too large"}))
            self.close_connection = True
            return
        request = Request(method, url.path, parse_qs(url.query),
                          {k.lower(): v for k, v in self.headers.items()}, self.rfile.read(length))
        try:
            if url.path.startswith("/_sim/"):
                response = self._admin(request)
            else:
                response = self._api(request)
        except ApiError as error:
            response = error_response(error)
        self._send(response)

    def _admin(self, request: Request) -> Response:
        for method, pattern, handler in COMPILED_ADMIN_ROUTES:
            match = pattern.match(request.path)
            if match and method == request.method:
                return handler(self.server, request, match)
        raise ApiError(404, "not found")

    def _api(self, request: Request) -> Response:
        tailnet = self.server.tailnet
        path_matched = False
        for method, pattern, name, scopes, handler in COMPILED_API_ROUTES:
            match = pattern.match(request.path)
            if not match:
                continue
            path_matched = True
            if method != request.method:
                continue
            tailnet.count(name)
            injected = self._injected_fault(request)
            if injected is not None:
                return injected
            if scopes is not None:
                request.token = tailnet.authenticate(request.bearer_token(), scopes)
            return handler(tailnet, request, match)
        raise ApiError(405 if path_matched else 404, "method not allowed" if path_matched else "not found")

    def _injected_fault(self, request: Request) -> Response | None:
        fault = self.server.faults.take(request.path)
        if fault is None:
            return None
        self.server.tailnet.count("faults_injected", api_call=False)
        if fault.mode == "slow":
            time.sleep(fault.delay_ms / 1000)
            return None
        if fault.mode == "429":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
            return Response(429, {"message": "rate limit exceeded"}, headers)
        if fault.mode == "500":
            return Response(500, {"message": "internal server error"})
        if fault.mode == "401":
            # As if an admin revoked the token: it stays invalid afterwards.
            self.server.tailnet.revoke_token(request.bearer_token())
            return Response(401, {"message": "API token invalid"})
        body = GARBAGE_BODIES[fault.garbage_shape]
        return Response(200, body, {"Content-Type": "text/html; charset=utf-8" if fault.garbage_shape == "text"
                                    else "application/json"})

    def _send(self, response: Response):
        body, content_type = response.encoded()
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.headers.get("Content-Type", content_type))
            self.send_header("Content-Length", str(len(body)))
            for name, value in response.headers.items():
                if name != "Content-Type":
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            # The client gave up (e.g. its timeout ran out during a "slow" fault).
            self.close_connection = True
