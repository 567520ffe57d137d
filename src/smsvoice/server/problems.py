"""How every /_smsvoice/ route answers a request it refuses: `{"error": message}` with a status."""

from __future__ import annotations

from starlette.responses import JSONResponse


def problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)
