"""Security headers on every response of the desk: what a browser may load, run, frame.

The pages load scripts and styles from the desk only (no inline script), so an injected
`<script>` does not run; the widget talks to the desk and to the Rasa socket.io channel
(WIDGET_SOCKET_URL, by HTTP long-polling and by WebSocket); no page may be framed
(clickjacking the workbench's buttons); types are never sniffed; no Referer leaves.
"""

from __future__ import annotations

from typing import Iterable, List, Tuple
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# FastAPI's own API docs load Swagger UI / ReDoc from a CDN with an inline bootstrap
# script; they show no customer data, so they get a looser policy of their own.
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")
DOCS_CDN = "https://cdn.jsdelivr.net"


def origin_forms(url: str) -> List[str]:
    """The origin of `url` in both its HTTP and its WebSocket form (socket.io uses both)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return []
    secure = parts.scheme in ("https", "wss")
    return [
        f"{'https' if secure else 'http'}://{parts.netloc}",
        f"{'wss' if secure else 'ws'}://{parts.netloc}",
    ]


def page_policy(connect_to: Iterable[str]) -> str:
    connect = " ".join(["'self'", *connect_to])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            # Stylesheets only: the widget's theme colours are set through the CSSOM
            # (style.setProperty), which the policy allows, never as style attributes.
            "style-src 'self'",
            # Bot messages may carry product images from anywhere on the web.
            "img-src 'self' data: https:",
            f"connect-src {connect}",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def docs_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'unsafe-inline' {DOCS_CDN}",
            f"style-src 'self' 'unsafe-inline' {DOCS_CDN}",
            "img-src 'self' data: https:",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """Pure ASGI middleware (not BaseHTTPMiddleware), so the workbench's server-sent
    event stream is passed through untouched and its disconnects still reach it."""

    def __init__(self, app: ASGIApp, widget_socket_url: str) -> None:
        self.app = app
        common = [
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
        ]
        self.page_headers = common + [
            (
                b"content-security-policy",
                page_policy(origin_forms(widget_socket_url)).encode(),
            )
        ]
        self.docs_headers = common + [
            (b"content-security-policy", docs_policy().encode())
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.docs_headers if scope["path"] in DOCS_PATHS else self.page_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = merged(message.get("headers", []), extra)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def merged(
    headers: Iterable[Tuple[bytes, bytes]], extra: List[Tuple[bytes, bytes]]
) -> List[Tuple[bytes, bytes]]:
    names = {name for name, _ in extra}
    return [(n, v) for n, v in headers if n.lower() not in names] + extra
