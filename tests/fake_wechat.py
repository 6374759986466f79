"""A fake WeChat API server on loopback: the access token and the customer-service
message API, recording what the channel asked for. `expire()` makes the current token
stale, as WeChat does after two hours or when another server fetched a new one."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Optional
from urllib.parse import parse_qs, urlparse

APP_ID = "wx-test-app"
APP_SECRET = "wx-test-secret"


class FakeWeChat:
    def __init__(self) -> None:
        self.token_fetches: List[Dict[str, str]] = []
        self.sent: List[Dict] = []
        self.refused: List[str] = []
        self._token_no = 0
        self._stale: set = set()
        # Refuse every token, as WeChat does when another server keeps renewing it.
        self.refuse_all = False
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _answer(self, body: Dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path != "/cgi-bin/token":
                    return self._answer({"errcode": 404, "errmsg": "no such api"})
                self._answer(fake._token(query))

            def do_POST(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                if url.path != "/cgi-bin/message/custom/send":
                    return self._answer({"errcode": 404, "errmsg": "no such api"})
                self._answer(fake._send(query.get("access_token", ""), body))

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> FakeWeChat:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _token(self, query: Dict[str, str]) -> Dict:
        with self._lock:
            self.token_fetches.append(query)
            if (query.get("appid"), query.get("secret")) != (APP_ID, APP_SECRET):
                return {"errcode": 40125, "errmsg": "invalid appsecret"}
            self._token_no += 1
            return {"access_token": f"token-{self._token_no}", "expires_in": 7200}

    def _send(self, token: str, body: Dict) -> Dict:
        with self._lock:
            valid = (
                token.startswith("token-")
                and token not in self._stale
                and not self.refuse_all
            )
            if not valid:
                self.refused.append(token)
                return {"errcode": 42001, "errmsg": "access_token expired"}
            self.sent.append({**body, "access_token": token})
            return {"errcode": 0, "errmsg": "ok"}

    def expire(self) -> None:
        """Every token issued so far is stale from now on."""
        with self._lock:
            self._stale |= {f"token-{n}" for n in range(1, self._token_no + 1)}

    def texts_to(self, openid: str) -> List[str]:
        with self._lock:
            return [m["text"]["content"] for m in self.sent if m["touser"] == openid]

    def wait_for(
        self, openid: str, check: Callable[[List[str]], bool], timeout: float = 60
    ) -> List[str]:
        deadline = time.monotonic() + timeout
        while True:
            texts = self.texts_to(openid)
            if check(texts) or time.monotonic() > deadline:
                return texts
            time.sleep(0.2)


def wait_until(check: Callable[[], Optional[object]], timeout: float = 30):
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)
