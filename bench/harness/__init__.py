"""The benchmarks' shared harness: what is sent, what drives the load, what is measured and printed.

Modules, one concept each:

- ``operations``: the requests (method, path, headers, body, account rotation);
- ``children``: every subprocess a run starts, always stopped on exit;
- ``servers``: the smsvoice server under test (through ``smsvoice.testing.process``);
- ``ceiling`` and ``ceiling_app``: the bare ASGI app the server is compared with;
- ``probes``: single requests that are not load (health, preflight, seeding);
- ``load``, ``wrk``, ``loadgen`` and ``generators``: bounded load runs by wrk or the asyncio fallback;
- ``target``: a process under load (name, pid, port);
- ``cpu``: CPU seconds of a process tree and of the children;
- ``measure``: one cell (warm-up, then a measured run) into a ``CellResult``;
- ``report``: the results of a run and their formatting;
- ``options``: command-line pieces the scripts share;
- ``baseline``: ``--baseline-ref``, a server from another commit's code beside the current one;
- ``firehose_sink``: a local Firehose stand-in for the delivery benchmark.

Import nothing here: uvicorn imports ``harness.ceiling_app`` in a process of its own.
"""
