"""Issue 18, finding 7: sign-in and size are checked before a body is read (real server)."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

from support.desk import World
from support.launch import Running


def raw(server: Running, head: str, chunks: list[bytes] = ()) -> tuple[int, dict[str, str], bytes]:  # type: ignore[assignment]
    """Send ``head`` (and ``chunks``, ignoring a server that stops reading); read the answer."""
    url = urlsplit(server.url)
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        s.sendall(head.encode("latin-1"))
        try:
            for c in chunks:
                s.sendall(c)
        except OSError:
            pass  # the server answered and closed before the body was all sent
        data = b""
        while True:
            try:
                part = s.recv(65536)
            except OSError:
                break
            if not part:
                break
            data += part
            if b"\r\n\r\n" in data:
                top, _, body = data.partition(b"\r\n\r\n")
                lines = top.decode("latin-1").split("\r\n")
                headers = dict(ln.split(": ", 1) for ln in lines[1:])
                length = int(headers.get("content-length", "-1"))
                if 0 <= length <= len(body):
                    return (
                        int(lines[0].split()[1]),
                        {k.lower(): v for k, v in headers.items()},
                        body,
                    )
    raise AssertionError(f"no complete response: {data[:200]!r}")


def request(method: str, path: str, length: int, token: str | None = None) -> str:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    return (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}"
        f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )


def test_an_anonymous_300_mb_post_is_401_before_any_body_is_sent(world_server: Running) -> None:
    status, headers, body = raw(
        world_server, request("POST", "/api/cases/small/notes", 300_000_000)
    )
    assert status == 401
    assert headers["content-type"] == "application/problem+json"
    assert json.loads(body)["detail"] == "Sign in first: send a bearer token or a session cookie."


def test_a_declared_body_over_the_route_limit_is_413(world_server: Running, world: World) -> None:
    token = world.tokens["mediator_il"]
    status, headers, body = raw(
        world_server, request("POST", "/api/cases/small/notes", 2_000_000, token)
    )
    assert status == 413
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["title"] == "Content too large"
    assert problem["detail"] == "The request body is larger than this route's 1,048,576 bytes."


def test_a_streamed_body_over_the_limit_is_413_while_it_streams(
    world_server: Running, world: World
) -> None:
    token = world.tokens["mediator_il"]
    head = (
        "POST /api/cases/small/notes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"x" * 65536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    status, _, body = raw(world_server, head, [chunk] * 40 + [b"0\r\n\r\n"])  # 2.5 MiB
    assert status == 413
    assert json.loads(body)["title"] == "Content too large"


def test_a_case_file_may_be_larger_than_the_default(world_server: Running, world: World) -> None:
    token = world.tokens["mediator_il"]
    payload = json.dumps({"text": "x" * 1_500_000, "version": 1}).encode()
    status, _, body = raw(
        world_server, request("PUT", "/api/cases/small/casefile", len(payload), token), [payload]
    )
    assert status == 422, body  # read and parsed: the text is not a case file
