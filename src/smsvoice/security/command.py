"""`smsvoice credentials create --account 123456789012`: a new key pair, printed and appended."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from smsvoice.security.credentials import CredentialsFileError, append_access_key, new_access_key

CREDENTIALS_FILE_ENV = "SMSVOICE_CREDENTIALS_FILE"


def create_credentials(account: str, credentials_file: str | None) -> int:
    where = credentials_file or os.environ.get(CREDENTIALS_FILE_ENV)
    if not where:
        print(f"smsvoice: name the file with --credentials-file or {CREDENTIALS_FILE_ENV}", file=sys.stderr)
        return 2
    try:
        key = new_access_key(account)
        append_access_key(Path(where), key)
    except CredentialsFileError as problem:
        print(f"smsvoice: {problem}", file=sys.stderr)
        return 2
    # The one place a secret is shown: to whoever asked for the key, on standard output.
    print(json.dumps(key.document(), indent=2))
    print(f"appended to {where}; a running server reads it on SIGHUP", file=sys.stderr)
    return 0
