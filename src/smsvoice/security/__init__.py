"""Security for shared deployments (docs/security.md): SigV4 verification against a credentials file,
the admin token of /_smsvoice/, and limits that protect the server from its clients."""
