"""The web inbox: pages under /_smsvoice/ui/ for people, over the inspection API.

The pages are Jinja2 templates that hold no data: each page's script (static/) reads everything it
shows from the /_smsvoice/ JSON routes and the change stream (/_smsvoice/changes), the same API
tests use, so what a person sees and what a test reads cannot differ. Assets ship in the package;
nothing is fetched from elsewhere.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from smsvoice import __version__
from smsvoice.domain.machines import MACHINES

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

PREFIX = "/_smsvoice/ui"


@cache
def _templates() -> Jinja2Templates:
    """Made when the first page is asked for: Jinja2 is no part of a server's start."""
    import jinja2
    from starlette.templating import Jinja2Templates

    return Jinja2Templates(
        env=jinja2.Environment(
            loader=jinja2.PackageLoader("smsvoice.server.ui", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
        )
    )


# Every status a message can have, for the filters and the manual advance (vocabulary, not data).
_STATUSES = sorted({status for machine in MACHINES.values() for status in machine.statuses})


def ui_routes() -> list[BaseRoute]:
    return [
        Route("/ui", _to_inbox, methods=["GET"]),
        Route("/ui/", _page("inbox"), methods=["GET"]),
        Route("/ui/messages/{message_id}", _page("message"), methods=["GET"]),
        Route("/ui/conversations", _page("conversations"), methods=["GET"]),
        Route("/ui/simulator", _page("simulator"), methods=["GET"]),
        Route("/ui/resources", _page("resources"), methods=["GET"]),
        Mount("/ui/static", StaticFiles(packages=[("smsvoice.server.ui", "static")]), name="ui-static"),
    ]


def _page(name: str) -> Callable[[Request], Awaitable[Response]]:
    """The page's template, with what its script needs to find the API (and no data)."""

    async def render(request: Request) -> Response:
        return _templates().TemplateResponse(
            request,
            f"{name}.html",
            {
                "page": name,
                "ui": PREFIX,
                "api": "/_smsvoice",
                "version": __version__,
                "statuses": _STATUSES,
                "path_params": request.path_params,
            },
            headers={"Cache-Control": "no-store"},
        )

    return render


async def _to_inbox(request: Request) -> Response:
    return RedirectResponse(f"{PREFIX}/", 308)


def wants_html(scope: Scope) -> bool:
    """A browser opening `/`: GET asking for HTML (AWS SDKs and JSON callers never ask for it)."""
    if scope["method"] != "GET" or scope["path"] != "/":
        return False
    accept = b"".join(value for name, value in scope["headers"] if name == b"accept")
    return b"text/html" in accept


async def redirect_to_inbox(scope: Scope, receive: Receive, send: Send) -> None:
    await RedirectResponse(f"{PREFIX}/", 303)(scope, receive, send)
