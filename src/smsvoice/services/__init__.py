"""The served APIs: one package per API, one module per resource family."""
