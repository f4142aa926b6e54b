"""The API's interactive docs at ``/docs``, served from files shipped with the package.

FastAPI's default page loads Swagger UI from a CDN, so an offline desk showed a blank
page. Here the Swagger UI bundle (5.x, which reads OpenAPI 3.1) comes from the
``swagger-ui-py`` package's static folder and the
start-up script from ``api/static``; the page has no inline script, so it works under a
Content-Security-Policy that forbids one.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
ASSETS = "/docs-assets"
INIT = "/docs-init"

PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>offramp desk API</title>
<link rel="icon" href="{ASSETS}/favicon-32x32.png">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="{INIT}/docs-init.js"></script>
</body>
</html>
"""


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and its assets from the package (the app is made with
    ``docs_url=None`` so FastAPI's CDN page is not served)."""
    assets = files("swagger_ui") / "static"
    app.mount(ASSETS, StaticFiles(directory=str(assets)), name="docs-assets")
    static = Path(__file__).parent / "static"
    app.mount(INIT, StaticFiles(directory=str(static)), name="docs-init")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(PAGE, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})
