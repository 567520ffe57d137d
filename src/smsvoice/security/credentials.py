"""The credentials file: access keys, their secrets and the account each key belongs to.

Format (exactly): `{"Credentials": [{"AccessKeyId": "...", "SecretAccessKey": "...",
"AccountId": "123456789012"}]}`. The server reads it at start and again on SIGHUP; a file that does
not parse on SIGHUP leaves the keys in force unchanged. Secrets never appear in a message or a log.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import secrets
import string
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("smsvoice.credentials")

_FIELDS = ("AccessKeyId", "SecretAccessKey", "AccountId")
_ACCOUNT_ID = re.compile(r"\d{12}", re.ASCII)
# AWS: AccessKeyId is 16..128 word characters.
_ACCESS_KEY_ID = re.compile(r"\w{16,128}", re.ASCII)
_KEY_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


class CredentialsFileError(ValueError):
    """The file is missing, is not JSON or is not in the format above (the message names no secret)."""


@dataclass(frozen=True, slots=True)
class AccessKey:
    access_key_id: str
    secret_access_key: str
    account: str

    def __repr__(self) -> str:  # never a secret in a traceback or a log line
        return f"AccessKey({self.access_key_id!r}, account={self.account!r})"

    def document(self) -> dict[str, str]:
        return {
            "AccessKeyId": self.access_key_id,
            "SecretAccessKey": self.secret_access_key,
            "AccountId": self.account,
        }


def parse_credentials(text: str, source: str) -> dict[str, AccessKey]:
    """The keys of a credentials document by access key id."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as problem:
        raise CredentialsFileError(f"{source}: not JSON ({problem.msg}, line {problem.lineno})") from None
    if not isinstance(document, dict) or set(document) != {"Credentials"}:
        raise CredentialsFileError(f'{source}: expected an object with one member, "Credentials"')
    entries = document["Credentials"]
    if not isinstance(entries, list):
        raise CredentialsFileError(f'{source}: "Credentials" must be a list')
    keys: dict[str, AccessKey] = {}
    for index, entry in enumerate(entries):
        key = _entry(entry, f"{source}: Credentials[{index}]")
        if key.access_key_id in keys:
            raise CredentialsFileError(f"{source}: access key {key.access_key_id} is listed twice")
        keys[key.access_key_id] = key
    return keys


def _entry(entry: Any, where: str) -> AccessKey:
    if not isinstance(entry, dict) or set(entry) != set(_FIELDS):
        raise CredentialsFileError(f"{where}: expected exactly {', '.join(_FIELDS)}")
    if not all(isinstance(entry[name], str) for name in _FIELDS):
        raise CredentialsFileError(f"{where}: every member must be a string")
    key_id, secret, account = (entry[name] for name in _FIELDS)
    if not _ACCESS_KEY_ID.fullmatch(key_id):
        raise CredentialsFileError(f"{where}: AccessKeyId must be 16 to 128 letters, digits or _")
    if not secret:
        raise CredentialsFileError(f"{where}: SecretAccessKey of {key_id} is empty")
    if not _ACCOUNT_ID.fullmatch(account):
        raise CredentialsFileError(f"{where}: AccountId of {key_id} must be 12 digits")
    return AccessKey(key_id, secret, account)


def read_credentials(path: Path) -> dict[str, AccessKey]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as problem:
        raise CredentialsFileError(f"{path}: {problem.strerror}") from None
    except UnicodeDecodeError:
        raise CredentialsFileError(f"{path}: not UTF-8 text") from None
    return parse_credentials(text, str(path))


class Keyring:
    """The keys in force, from `path`; `reload()` (on SIGHUP) swaps them in one assignment."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._keys = read_credentials(path)

    def __len__(self) -> int:
        return len(self._keys)

    def find(self, access_key_id: str) -> AccessKey | None:
        return self._keys.get(access_key_id)

    def reload(self) -> bool:
        """Read the file again; on a problem, log it and keep the keys in force."""
        try:
            keys = read_credentials(self.path)
        except CredentialsFileError as problem:
            log.error(
                "credentials file not reloaded, the %d keys in force stay: %s", len(self._keys), problem
            )
            return False
        self._keys = keys
        log.info("credentials file reloaded: %d keys", len(keys))
        return True


def new_access_key(account: str) -> AccessKey:
    """A fresh key pair in AWS's shapes: a 20-character id starting AKIA, a 40-character secret."""
    if not _ACCOUNT_ID.fullmatch(account):
        raise CredentialsFileError(f"the account must be 12 digits, not {account!r}")
    key_id = "AKIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))
    secret = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))
    return AccessKey(key_id, secret, account)


def append_access_key(path: Path, key: AccessKey) -> None:
    """Add `key` to the file (created, readable by its owner only, when missing), atomically."""
    with _locked(path):
        existing = read_credentials(path) if path.exists() else {}
        entries = [item.document() for item in existing.values()] + [key.document()]
        text = json.dumps({"Credentials": entries}, indent=2) + "\n"
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    # Two `credentials create` at once must not lose a key: they take turns on the file's folder
    # (the file itself is replaced, so a lock on it would not hold).
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        yield
    finally:
        os.close(folder)  # releases the lock
