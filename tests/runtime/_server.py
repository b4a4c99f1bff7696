"""A tiny scripted HTTP/1.1 server on 127.0.0.1 for fault-injection tests.

Each connection carries one request and gets the next scripted :class:`Reply` (or
``default``), always with ``Connection: close``, so every client attempt is a fresh
connection and faults can be placed exactly. Raw sockets rather than ``http.server`` because
some faults (a reset in the middle of the headers) are below what ``http.server`` can express.
Every request that arrived in full is recorded in ``requests``.
"""

from __future__ import annotations

import collections
import contextlib
import json
import socket
import struct
import threading
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import parse_qsl, urlsplit

Fault = Literal["close", "reset", "partial_headers", "partial_body"]


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait after reading the request and before answering."""
    fault: Fault | None = None
    """close: FIN without answering; reset: RST without answering; partial_headers: half a
    header block, then RST; partial_body: full headers, a third of the body, then FIN."""
    drip: float = 0.0
    """Seconds between bytes: the body (or, with ``drip_headers``, the whole reply) is sent one
    byte at a time, so no single read ever waits long enough to time out."""
    drip_headers: bool = False

    @classmethod
    def json(
        cls,
        data: object,
        status: int = 200,
        *,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        fault: Fault | None = None,
        drip: float = 0.0,
        drip_headers: bool = False,
    ) -> Reply:
        headers = {"Content-Type": "application/json", **(headers or {})}
        return cls(status, json.dumps(data).encode(), headers, delay, fault, drip, drip_headers)

    def encode(self) -> bytes:
        reason = {200: "OK", 201: "Created", 204: "No Content"}.get(self.status, "Status")
        lines = [f"HTTP/1.1 {self.status} {reason}"]
        lines += [f"{k}: {v}" for k, v in self.headers.items()]
        lines += [f"Content-Length: {len(self.body)}", "Connection: close", "", ""]
        return "\r\n".join(lines).encode("latin-1") + self.body


@dataclass(frozen=True)
class Recorded:
    method: str
    target: str
    """The raw request-target, exactly as the client sent it."""
    headers: dict[str, str]
    """Lower-cased names."""
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(urlsplit(self.target).query, keep_blank_values=True)


class ScriptedServer:
    def __init__(self, *, listen: bool = True) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Bound but not listening refuses connections: that is how tests get a connect error.
        self._sock.bind(("127.0.0.1", 0))
        self.port: int = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.default = Reply.json({})
        self.requests: list[Recorded] = []
        self._replies: collections.deque[Reply] = collections.deque()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if listen:
            self.start()

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    def start(self) -> None:
        if self._thread is None:
            self._sock.listen(16)
            self._thread = threading.Thread(target=self._accept_loop, daemon=True)
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            # Wake the blocking accept() so the loop sees the stop flag.
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                pass
            self._thread.join(timeout=2)
        self._sock.close()

    def _accept_loop(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            if self._stop.is_set():
                conn.close()
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._replies.popleft() if self._replies else self.default

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            try:
                request = _read_request(conn)
            except (OSError, ValueError):
                return
            with self._lock:
                self.requests.append(request)
            reply = self._next_reply()
            if reply.delay and self._stop.wait(reply.delay):
                return
            # OSError: the client gave up first (its timeout), so there is no one to answer.
            with contextlib.suppress(OSError):
                _answer(conn, reply, self._stop)


def _read_request(conn: socket.socket) -> Recorded:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ValueError("connection closed before the request was complete")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, target, _version = request_line.split(" ", 2)
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", ""):
        return Recorded(method, target, headers, _read_chunked(conn, body))
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        body += _recv(conn)
    return Recorded(method, target, headers, body)


def _recv(conn: socket.socket) -> bytes:
    chunk = conn.recv(65536)
    if not chunk:
        raise ValueError("connection closed in the request body")
    return chunk


def _read_chunked(conn: socket.socket, data: bytes) -> bytes:
    """A streamed (chunked) request body, decoded."""
    body = b""
    while True:
        while b"\r\n" not in data:
            data += _recv(conn)
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        while len(data) < size + 2:
            data += _recv(conn)
        if size == 0:
            return body  # no trailers: the client sends none
        body, data = body + data[:size], data[size + 2 :]


def _reset(conn: socket.socket) -> None:
    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def _drip(conn: socket.socket, data: bytes, interval: float, stop: threading.Event) -> None:
    for offset in range(len(data)):
        conn.sendall(data[offset : offset + 1])
        if stop.wait(interval):
            return


def _answer(conn: socket.socket, reply: Reply, stop: threading.Event) -> None:
    if reply.drip:
        raw = reply.encode()
        start = 0 if reply.drip_headers else raw.index(b"\r\n\r\n") + 4
        conn.sendall(raw[:start])
        _drip(conn, raw[start:], reply.drip, stop)
        return
    if reply.fault == "close":
        return
    if reply.fault == "reset":
        _reset(conn)
        return
    raw = reply.encode()
    if reply.fault == "partial_headers":
        conn.sendall(raw[: raw.index(b"\r\n") + 10])
        _reset(conn)
        return
    if reply.fault == "partial_body":
        head_end = raw.index(b"\r\n\r\n") + 4
        conn.sendall(raw[: head_end + max(1, len(reply.body) // 3)])
        return
    conn.sendall(raw)
