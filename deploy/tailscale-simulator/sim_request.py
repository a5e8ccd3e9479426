"""The parts of an HTTP request the routes read, and the answer they produce."""

import base64
import json
from dataclasses import dataclass, field

from sim_state import ApiError


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict  # lower-cased names
    body: bytes
    token: object = None  # the caller's sim_state.Token, once authenticated

    def json(self, required: bool = True) -> dict:
        """The body as a JSON object; an empty body is {} unless one is required."""
        if not self.body:
            if required:
                raise ApiError(400, "request body must be JSON")
            return {}
        content_type = self.headers.get("content-type", "")
        if required and "application/json" not in content_type:
            raise ApiError(400, "Content-Type must be application/json")
        try:
            value = json.loads(self.body)
        except ValueError:
            raise ApiError(400, "invalid JSON body") from None
        if not isinstance(value, dict):
            raise ApiError(400, "JSON body must be an object")
        return value

    def bearer_token(self) -> str | None:
        """`Bearer <token>`, or the token as an HTTP Basic user name (the API accepts both)."""
        authorization = self.headers.get("authorization", "")
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer":
            return value.strip()
        if scheme.lower() == "basic":
            user, _ = basic_credentials(value)
            return user
        return None


def basic_credentials(encoded: str) -> tuple[str | None, str | None]:
    try:
        user, _, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None, None
    return user, password


@dataclass
class Response:
    status: int
    payload: object = None  # dict/list -> JSON, bytes -> as is, None -> empty body
    headers: dict = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if self.payload is None:
            return b"", "application/json"
        if isinstance(self.payload, bytes):
            return self.payload, self.headers.get("Content-Type", "text/html; charset=utf-8")
        return json.dumps(self.payload).encode(), "application/json"


def error_response(error: ApiError) -> Response:
    return Response(error.status, {"message": error.message})
