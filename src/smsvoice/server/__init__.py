"""The HTTP server: Starlette on uvicorn, AWS APIs and the /_smsvoice/ API on one port."""
