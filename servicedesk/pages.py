"""What browsers load from the desk: the demo shop, the agents' workbench, the widget."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from servicedesk.config import Settings

WEB = Path(__file__).resolve().parent.parent / "web"


def add_pages(app: FastAPI, settings: Settings) -> None:
    @app.get("/api/widget/config")
    def widget_config() -> dict:
        return {"socket_url": settings.widget_socket_url, "demo": settings.demo}

    @app.get("/", include_in_schema=False)
    def shop_page() -> FileResponse:
        return FileResponse(WEB / "shop" / "index.html")

    @app.get("/agent", include_in_schema=False)
    def workbench_page() -> FileResponse:
        return FileResponse(WEB / "agent" / "index.html")

    app.mount("/widget", StaticFiles(directory=WEB / "widget"), name="widget")
    app.mount("/static", StaticFiles(directory=WEB), name="static")

    @app.get("/api/health")
    def health() -> dict:
        return {"status": "ok"}
