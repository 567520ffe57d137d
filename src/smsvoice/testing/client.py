"""A typed client for a running smsvoice server's inspection API, and a handle on one account of it.

`SmsvoiceClient(url)` speaks to the `/_smsvoice/` API of any server (no SigV4 needed; pass
`admin_token=` for a server started with `--admin-token`); its
`account_handle()` gives an `SmsvoiceAccount`: a fresh account of its own (a random 12-digit access
key id is an account in smsvoice), boto3 clients bound to it, and its messages, rules, events and
deliveries. The pytest plugin's `smsvoice` fixture is such a handle. `running_server()` starts a
server of its own for a block of code (a script, a unittest class) and yields its client.

Only the standard library is used for HTTP (urllib), so `pip install smsvoice` alone is enough; boto3,
a dependency of smsvoice, is imported when a boto3 client is asked for.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from smsvoice.testing.environment import REFUSING_ENDPOINT
from smsvoice.testing.process import ServerProcess

DEFAULT_REGION: Final = "us-east-1"
SECRET_ACCESS_KEY: Final = "smsvoice-testing"  # any secret is accepted; the key id is the account

V2_SERVICE: Final = "pinpoint-sms-voice-v2"
V1_SERVICE: Final = "pinpoint-sms-voice"

# The filters `GET /_smsvoice/messages` applies itself; any other filter is compared with the
# message's field of that name here.
_SERVER_FILTERS: Final = frozenset(
    {"account", "region", "destination", "status", "channel", "api", "direction"}
)
_PAGE: Final = 1000
# The longest wait one long-poll may ask for, and one change stream may last (the server's limits).
MAX_WAIT_SECONDS: Final = 60.0
MAX_STREAM_SECONDS: Final = 3_600.0

# Straight to the server: a proxy from the environment must not see requests to 127.0.0.1.
_OPENER: Final = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SmsvoiceApiError(RuntimeError):
    """The server refused an inspection API request: its HTTP status and `{"error": ...}` text."""

    def __init__(self, method: str, url: str, status: int, error: str) -> None:
        super().__init__(f"{method} {url} answered {status}: {error}")
        self.status = status
        self.error = error


def new_account() -> str:
    """A fresh 12-digit access key id, which smsvoice takes as the account id (never 000000000000)."""
    return str(random.SystemRandom().randrange(10**11, 10**12))


def endpoint_environment(endpoint: str) -> dict[str, str]:
    """The variables that send boto3's (and every AWS SDK's) SMS clients to `endpoint`."""
    return {
        "AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2": endpoint,
        "AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE": endpoint,
    }


class SmsvoiceClient:
    """The inspection API of the smsvoice server at `url` (e.g. `http://127.0.0.1:7767`).

    Server-wide: `messages()` lists every account's messages unless filtered. For one account's
    view, use `account_handle()`.
    """

    def __init__(
        self,
        url: str,
        *,
        region: str = DEFAULT_REGION,
        timeout: float = 10.0,
        admin_token: str | None = None,
    ) -> None:
        self.endpoint = url.rstrip("/")
        self.region = region
        self.timeout = timeout
        # The server's --admin-token, sent as `Authorization: Bearer` (docs/security.md).
        self.admin_token = admin_token

    def __repr__(self) -> str:
        return f"SmsvoiceClient({self.endpoint!r})"

    # -- HTTP --

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, object] | None = None,
        body: object = None,
        timeout: float | None = None,
    ) -> Any:
        """One request to `/_smsvoice/{path}`: its decoded JSON answer, or SmsvoiceApiError.
        `timeout` (seconds; the client's own by default) bounds each wait on the socket."""
        with self._open(method, path, params=params, body=body, timeout=timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def _open(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, object] | None = None,
        body: object = None,
        timeout: float | None = None,
        accept: str = "application/json",
    ) -> Any:
        """The open response to one request (read it, then close it), or SmsvoiceApiError."""
        url = f"{self.endpoint}/_smsvoice/{path.lstrip('/')}"
        query = {key: str(value) for key, value in (params or {}).items() if value is not None}
        if query:
            url = f"{url}?{urllib.parse.urlencode(query)}"
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": accept}
        if self.admin_token:
            headers["Authorization"] = f"Bearer {self.admin_token}"
        if data is not None:
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            return _OPENER.open(request, timeout=self.timeout if timeout is None else timeout)
        except urllib.error.HTTPError as refused:
            text = refused.read().decode(errors="replace")
            try:
                error = json.loads(text).get("error", text)
            except (ValueError, AttributeError):
                error = text
            raise SmsvoiceApiError(method, url, refused.code, str(error)) from None

    # -- the server --

    def health(self) -> dict[str, Any]:
        """`GET /_smsvoice/health`."""
        answer: dict[str, Any] = self.request("GET", "health")
        return answer

    def account_handle(self, account: str | None = None, region: str | None = None) -> SmsvoiceAccount:
        """A handle on `account` (a fresh one when not given) in `region`."""
        return SmsvoiceAccount(self, account or new_account(), region or self.region)

    def environment(self, account: str | None = None) -> dict[str, str]:
        """Environment variables that send boto3 clients built from the environment to this server
        (with dummy credentials: the account's, or a fresh account's)."""
        return {
            **endpoint_environment(self.endpoint),
            "AWS_ACCESS_KEY_ID": account or new_account(),
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_DEFAULT_REGION": self.region,
        }

    def seed(self, document: Mapping[str, Any] | list[Mapping[str, Any]]) -> dict[str, Any]:
        """Provision phone numbers, sender IDs, pools and opt-out lists (`POST /_smsvoice/identities`,
        the `--seed-file` format of docs/v2-identities.md); answers `{"Results": [...]}`."""
        answer: dict[str, Any] = self.request("POST", "identities", body=document)
        return answer

    # -- messages --

    def messages(self, **filters: object) -> list[dict[str, Any]]:
        """Messages in the order they were accepted (every account's unless `account=` is given).

        `account`, `region`, `destination`, `status`, `channel`, `api` and `direction`
        (`outbound`, the default, or `inbound`) are the inspection API's filters; `limit` and
        `offset` page by hand (without them every page is read). Any other keyword is compared with
        the message's field of that name: `origination="+18005550100"`, `body="Hello"`.
        """
        server, local = _split_filters(filters)
        if "limit" in filters or "offset" in filters:
            params = {**server, "limit": filters.get("limit"), "offset": filters.get("offset")}
            found: list[dict[str, Any]] = self.request("GET", "messages", params=params)["messages"]
        else:
            found = []
            while True:
                page = self.request(
                    "GET", "messages", params={**server, "limit": _PAGE, "offset": len(found)}
                )
                found.extend(page["messages"])
                if len(page["messages"]) < _PAGE:
                    break
        return [message for message in found if _matches(message, local)]

    def wait_for_message(self, timeout: float = 5.0, **filters: object) -> dict[str, Any] | None:
        """The first message (in the order they were accepted) that matches `filters` (as
        `messages()`), as soon as there is one; None when `timeout` seconds passed first.

        The server does the waiting: with its own filters only, one long-poll
        (`GET /_smsvoice/messages?wait_seconds=N`) answers when a message matches; with other
        filters, the list is read again after each change the change stream
        (`GET /_smsvoice/changes`) announces. No fixed sleeps either way.
        """
        deadline = time.monotonic() + timeout
        server, local = _split_filters(filters)
        if local:
            return self._wait_for_change_matching(filters, deadline)
        while True:
            # The socket may be quiet for the whole wait: its timeout is the wait and the usual one.
            wait = min(max(deadline - time.monotonic(), 0.0), MAX_WAIT_SECONDS)
            found: list[dict[str, Any]] = self.request(
                "GET",
                "messages",
                params={**server, "limit": 1, "wait_seconds": f"{wait:.3f}"},
                timeout=wait + self.timeout,
            )["messages"]
            if found:
                return found[0]
            if time.monotonic() >= deadline:
                return None

    def _wait_for_change_matching(
        self, filters: Mapping[str, object], deadline: float
    ) -> dict[str, Any] | None:
        """`wait_for_message` for filters the server does not apply: read the list when the change
        stream is ready and again after each change it announces, until one matches or the stream
        (that ends at the deadline) ends."""
        while (left := deadline - time.monotonic()) > 0:
            stream_seconds = min(left, MAX_STREAM_SECONDS)
            with self._open(
                "GET",
                "changes",
                params={"max_seconds": f"{stream_seconds:.3f}"},
                timeout=stream_seconds + self.timeout,
                accept="text/event-stream",
            ) as stream:
                # Lines until `event: ready` (the stream watches from then on), then until each
                # `event: changed`; an empty read is the stream's end.
                awaited = b"event: ready"
                while line := stream.readline():
                    if line.rstrip(b"\r\n") != awaited:
                        continue
                    awaited = b"event: changed"
                    found = self.messages(**filters)
                    if found:
                        return found[0]
        found = self.messages(**filters)
        return found[0] if found else None

    def message(self, message_id: str) -> dict[str, Any]:
        """`GET /_smsvoice/messages/{id}` (SmsvoiceApiError with status 404 when unknown)."""
        answer: dict[str, Any] = self.request("GET", f"messages/{urllib.parse.quote(message_id)}")
        return answer

    def events(self, message_id: str) -> list[dict[str, Any]]:
        """The message's events in order, each `{"id", "event_type", "record", "deliveries"}`;
        `record` is the AWS event record."""
        events: list[dict[str, Any]] = self.message(message_id)["events"]
        return events

    def advance_message(
        self, message_id: str, *, status: str | None = None, to_end: bool = False
    ) -> dict[str, Any]:
        """`POST /_smsvoice/messages/{id}/advance`: a manual message's next step, a status, or the end."""
        body: dict[str, Any] = {}
        if status is not None:
            body["status"] = status
        if to_end:
            body["to_end"] = True
        answer: dict[str, Any] = self.request(
            "POST", f"messages/{urllib.parse.quote(message_id)}/advance", body=body
        )
        return answer

    def review_registration(
        self, registration_id: str, decision: str, denied_reasons: Sequence[Mapping[str, str]] | None = None
    ) -> dict[str, Any]:
        """`POST /_smsvoice/registrations/{id}/review`: decide the submitted version now (APPROVE, DENY,
        REQUIRES_UPDATES or REQUIRES_AUTHENTICATION); answers `{"Registration", "Version"}`."""
        body: dict[str, Any] = {"decision": decision}
        if denied_reasons is not None:
            body["deniedReasons"] = list(denied_reasons)
        answer: dict[str, Any] = self.request(
            "POST", f"registrations/{urllib.parse.quote(registration_id)}/review", body=body
        )
        return answer

    def authenticate_registration(self, registration_id: str) -> dict[str, Any]:
        """`POST /_smsvoice/registrations/{id}/authenticate`: the brand's contact authenticates a
        registration in REQUIRES_AUTHENTICATION, whose review goes on; answers `{"Registration", "Version"}`."""
        answer: dict[str, Any] = self.request(
            "POST", f"registrations/{urllib.parse.quote(registration_id)}/authenticate", body={}
        )
        return answer

    def registration_events(self, registration_id: str) -> list[dict[str, Any]]:
        """The registration's status events, oldest first, in EventBridge's shape."""
        answer: dict[str, Any] = self.request(
            "GET", f"registrations/{urllib.parse.quote(registration_id)}/events"
        )
        events: list[dict[str, Any]] = answer["Events"]
        return events

    def deliveries(self, **filters: object) -> list[dict[str, Any]]:
        """`GET /_smsvoice/deliveries`: outbox entries, filtered by `account`, `region`, `status`
        (PENDING, DELIVERED, DEAD) and `message_id` (every page is read)."""
        found: list[dict[str, Any]] = []
        after: object = None
        while True:
            page = self.request("GET", "deliveries", params={**filters, "after": after})
            found.extend(page["deliveries"])
            after = page.get("next_after")
            if after is None or not page["deliveries"]:
                return found

    # -- the simulator --

    def inject_inbound(
        self,
        originationNumber: str,  # AWS's own field names, as the issue and the endpoint spell them
        destinationNumber: str,
        messageBody: str,
        *,
        account: str | None = None,
        region: str | None = None,
    ) -> dict[str, Any]:
        """A handset's message to one of your numbers (`POST /_smsvoice/inbound`): the answer,
        with `inboundMessageId`, `messageKeyword`, `action` (OPT_OUT, OPT_IN, AUTOMATIC_RESPONSE,
        NONE), `responseMessageId`, ..."""
        body: dict[str, Any] = {
            "originationNumber": originationNumber,
            "destinationNumber": destinationNumber,
            "messageBody": messageBody,
        }
        if account is not None:
            body["account"] = account
        if region is not None:
            body["region"] = region
        answer: dict[str, Any] = self.request("POST", "inbound", body=body)
        return answer

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the server's clock `seconds` forward (for every account: there is one clock) and
        apply what fell due; answers `{"now", "offset_seconds", "applied", "pending", ...}`."""
        answer: dict[str, Any] = self.request("POST", "simulator/clock", body={"advance_seconds": seconds})
        return answer

    def clock(self) -> dict[str, Any]:
        """`GET /_smsvoice/simulator/clock`."""
        answer: dict[str, Any] = self.request("GET", "simulator/clock")
        return answer

    def faults(self, account: str | None = None) -> Faults:
        """Fault rules of `account`, or server-wide."""
        return Faults(self, account)

    def reset(self, account: str | None = None) -> dict[str, Any]:
        """Forget one account's state, or everyone's (DELETE /_smsvoice/state)."""
        forgotten: dict[str, Any] = self.request("DELETE", "state", params={"account": account})
        return forgotten

    def rules(self, account: str | None = None) -> Rules:
        """The simulator rules of `account`, or the server-wide ones (that apply to every account)."""
        return Rules(self, account)


class Rules:
    """Carrier simulator rules (docs/messaging.md), of one account or server-wide (`account=None`).

    Rule ids are unique across the whole server: leave `id` out (the server names the rule) or make
    it unique, so that tests running against one server never clash.
    """

    def __init__(self, client: SmsvoiceClient, account: str | None) -> None:
        self._client = client
        self.account = account

    def __repr__(self) -> str:
        return f"Rules(account={self.account!r}, endpoint={self._client.endpoint!r})"

    def add(self, rule: Mapping[str, Any]) -> dict[str, Any]:
        """Add one rule (`{"destination": "+12065550100", "outcome": "TEXT_BLOCKED"}`); the rule as
        stored, with its id."""
        added: list[dict[str, Any]] = self._client.request(
            "POST", "simulator/rules", params={"account": self.account}, body=dict(rule)
        )["rules"]
        return added[0]

    def list(self) -> list[dict[str, Any]]:
        """The rules in force: this account's (every rule when the handle is server-wide)."""
        rules: list[dict[str, Any]] = self._client.request("GET", "simulator/rules")["rules"]
        if self.account is None:
            return rules
        return [rule for rule in rules if rule.get("account") == self.account]

    def remove(self, rule_id: str) -> None:
        """Remove one rule by id."""
        self._client.request("DELETE", "simulator/rules", params={"account": self.account, "id": rule_id})

    def clear(self) -> None:
        """Remove this account's rules (every rule of the server when the handle is server-wide)."""
        self._client.request("DELETE", "simulator/rules", params={"account": self.account})


class Faults:
    """Fault rules (docs/faults.md) of one account, or server-wide (`account=None`): chosen requests
    answered with an AWS error, or late."""

    def __init__(self, client: SmsvoiceClient, account: str | None) -> None:
        self._client = client
        self.account = account

    def __repr__(self) -> str:
        return f"Faults(account={self.account!r}, endpoint={self._client.endpoint!r})"

    def add(self, rule: Mapping[str, Any] | None = None, **members: Any) -> dict[str, Any]:
        """Add a rule (`add(operation="SendTextMessage", error="ThrottlingException", count=1)`);
        an account's handle limits it to the account. The rule as stored, with its id."""
        body = {**(rule or {}), **members}
        if self.account is not None:
            body.setdefault("account", self.account)
        added: dict[str, Any] = self._client.request("POST", "faults", body=body)
        return added

    def list(self) -> list[dict[str, Any]]:
        """The rules in force (this account's), each with `fired`: how often it fired."""
        found: list[dict[str, Any]] = self._client.request("GET", "faults")["faults"]
        if self.account is None:
            return found
        return [rule for rule in found if rule.get("account") == self.account]

    def remove(self, rule_id: str) -> None:
        self._client.request("DELETE", f"faults/{urllib.parse.quote(rule_id)}")

    def clear(self) -> None:
        """Remove this account's rules (every rule when server-wide)."""
        if self.account is None:
            self._client.request("DELETE", "faults")
            return
        for rule in self.list():
            self.remove(str(rule["id"]))


class SmsvoiceAccount:
    """One account of a running server: what a test sends as, and what it reads back.

    `client("pinpoint-sms-voice-v2")` is a boto3 client signed as the account; `messages()`,
    `wait_for_message()`, `last_code()`, `events()` and `deliveries()` read only this account's
    messages; `inject_inbound()` answers as a handset; `advance()` moves the server's clock; `rules`
    holds the account's simulator rules.
    """

    def __init__(self, server: SmsvoiceClient, account: str, region: str = DEFAULT_REGION) -> None:
        self.server = server
        self.account = account
        self.region = region
        self.rules = Rules(server, account)
        self.faults = Faults(server, account)

    def __repr__(self) -> str:
        return (
            f"SmsvoiceAccount(account={self.account!r}, region={self.region!r}, endpoint={self.endpoint!r})"
        )

    @property
    def endpoint(self) -> str:
        return self.server.endpoint

    @property
    def access_key_id(self) -> str:
        return self.account

    @property
    def secret_access_key(self) -> str:
        return SECRET_ACCESS_KEY

    def environment(self) -> dict[str, str]:
        """Environment variables that put boto3 clients built from the environment (in this
        process or a child) in this account, on this server."""
        return {**self.server.environment(self.account), "AWS_DEFAULT_REGION": self.region}

    def activate(self) -> contextlib.AbstractContextManager[None]:
        """For the block, boto3 clients built from this process's environment (`boto3.client(...)`
        with no endpoint or credentials) send as this account to this server; the environment and
        boto3's default session are restored after. The pytest fixture `smsvoice` is activated."""
        return patched_environment(self.environment(), remove=CONFLICTING_SETTINGS)

    def client(self, service_name: str = V2_SERVICE, **kwargs: Any) -> Any:
        """A boto3 client of `service_name` (`pinpoint-sms-voice-v2`, `pinpoint-sms-voice`) signed as
        this account, at this server, with boto3's default retries; `kwargs` go to `client()`."""
        import boto3

        session = boto3.session.Session(
            aws_access_key_id=self.account,
            aws_secret_access_key=SECRET_ACCESS_KEY,
            region_name=self.region,
        )
        return session.client(service_name, endpoint_url=self.endpoint, **kwargs)

    # -- provisioning --

    def seed(self, **sections: Any) -> dict[str, Any]:
        """Provision identities in this account and region: `PhoneNumbers`, `SenderIds`, `Pools`,
        `OptOutLists` as in a seed file (docs/v2-identities.md). Idempotent."""
        return self.server.seed({"Account": self.account, "Region": self.region, **sections})

    def add_phone_number(self, phone_number: str, **fields: Any) -> str:
        """Put your app's own number (E.164) in this account, so that code sending from it (or
        without an OriginationIdentity) runs unchanged; `fields` as a seed's PhoneNumbers entry
        (`NumberType="TOLL_FREE"`, `TwoWayEnabled=True`, ...; default a US long code, SMS,
        TRANSACTIONAL). Answers the number."""
        self.seed(PhoneNumbers=[{"PhoneNumber": phone_number, **fields}])
        return phone_number

    # -- reading --

    def messages(self, **filters: object) -> list[dict[str, Any]]:
        """This account's messages in this region, in the order they were accepted; filters as
        `SmsvoiceClient.messages` (`destination`, `status`, `channel`, `api`, `direction`, or any
        field of the message)."""
        return self.server.messages(**{"account": self.account, "region": self.region, **filters})

    def message(self, message_id: str) -> dict[str, Any]:
        return self.server.message(message_id)

    def wait_for_message(self, timeout: float = 5.0, **filters: object) -> dict[str, Any]:
        """The first of this account's messages that matches `filters`, as soon as there is one
        (the server long-polls: `SmsvoiceClient.wait_for_message`); AssertionError naming the
        filters and what was seen when none does within `timeout` seconds.

        `wait_for_message(destination="+12065550100")` waits for a message to that number;
        `wait_for_message(destination=..., status="DELIVERED")` waits until it is delivered.
        """
        found = self.server.wait_for_message(
            timeout, **{"account": self.account, "region": self.region, **filters}
        )
        if found is not None:
            return found
        seen = self.messages()
        raise AssertionError(
            f"no message of account {self.account} ({self.region}) matching {_show(filters)} "
            f"within {timeout:g}s; {_seen(seen)}"
        )

    def last_code(self, destination: str, pattern: str = r"\d{4,8}") -> str:
        """The code in the last message to `destination` (the OTP case): the first match of
        `pattern` in its body (its first group, if it has groups). AssertionError when no message
        went to that number or the last one holds no code."""
        sent = self.messages(destination=destination)
        if not sent:
            raise AssertionError(
                f"no message of account {self.account} ({self.region}) went to {destination}; "
                f"{_seen(self.messages())}"
            )
        body = sent[-1].get("body") or ""
        match = re.search(pattern, body)
        if match is None:
            raise AssertionError(
                f"the last message to {destination} holds no code matching {pattern!r}: {body!r}"
            )
        return match.group(1) if match.re.groups else match.group(0)

    def events(self, message_id: str) -> list[dict[str, Any]]:
        """The message's events in order, each `{"id", "event_type", "record", "deliveries"}`."""
        return self.server.events(message_id)

    def deliveries(self, **filters: object) -> list[dict[str, Any]]:
        """This account's outbox entries (`status=`, `message_id=` narrow them)."""
        return self.server.deliveries(**{"account": self.account, "region": self.region, **filters})

    # -- acting --

    def inject_inbound(
        self, originationNumber: str, destinationNumber: str, messageBody: str
    ) -> dict[str, Any]:
        """The handset `originationNumber` texts `messageBody` to this account's number
        `destinationNumber` (STOP, HELP, a keyword, or a reply)."""
        return self.server.inject_inbound(
            originationNumber, destinationNumber, messageBody, account=self.account, region=self.region
        )

    def advance(self, seconds: float) -> dict[str, Any]:
        """Move the server's clock `seconds` forward and apply what fell due. There is one clock
        per server, shared by every account, and it only moves forward."""
        return self.server.advance(seconds)

    def reset(self) -> dict[str, Any]:
        """Forget this account's resources, messages and rules (the account stays usable)."""
        return self.server.reset(self.account)

    def advance_message(
        self, message_id: str, *, status: str | None = None, to_end: bool = False
    ) -> dict[str, Any]:
        """Move a (manual or timed) message on: its next step, straight to `status`, or to its end."""
        return self.server.advance_message(message_id, status=status, to_end=to_end)


def _split_filters(filters: Mapping[str, object]) -> tuple[dict[str, object], dict[str, object]]:
    """The filters the inspection API applies, and the ones compared with messages' fields here."""
    server = {key: value for key, value in filters.items() if key in _SERVER_FILTERS}
    local = {
        key: value
        for key, value in filters.items()
        if key not in _SERVER_FILTERS and key not in ("limit", "offset")
    }
    return server, local


def _matches(message: Mapping[str, Any], local: Mapping[str, object]) -> bool:
    return all(message.get(key) == value for key, value in local.items())


def _show(filters: Mapping[str, object]) -> str:
    if not filters:
        return "(any)"
    return ", ".join(f"{key}={value!r}" for key, value in filters.items())


def _seen(messages: list[dict[str, Any]]) -> str:
    if not messages:
        return "it has no messages at all"
    shown = "; ".join(
        f"{message.get('destination')} {message.get('status')} {message.get('body')!r}"
        for message in messages[-10:]
    )
    more = f" (last 10 of {len(messages)})" if len(messages) > 10 else ""
    return f"its messages{more}: {shown}"


# -- a server of its own --

_SERVE_COMMAND: Final = (sys.executable, "-c", "import sys\nfrom smsvoice.cli import main\nsys.exit(main())")
# Settings of the user's environment that would take the server away from its own temporary store.
_DROPPED_SETTINGS: Final = (
    "SMSVOICE_DATABASE_URL",
    "SMSVOICE_DATA_DIR",
    "SMSVOICE_URL",
    # A test server is local and open (docs/security.md): its accounts are fresh 12-digit key ids.
    "SMSVOICE_AUTH",
    "SMSVOICE_CREDENTIALS_FILE",
    "SMSVOICE_ADMIN_TOKEN",
    "SMSVOICE_TLS_CERT",
    "SMSVOICE_TLS_KEY",
)


# Settings that would stop boto3 from reaching the server as the test's account: the endpoint
# variables ignored, or a session token of other credentials sent along.
CONFLICTING_SETTINGS: Final = (
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
)


def server_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of a test server: `base` (this process's), minus settings that would move its
    store, and with AWS settings that keep event delivery off real AWS unless the environment
    already names an endpoint (`AWS_ENDPOINT_URL`, or per service such as `AWS_ENDPOINT_URL_SNS`)."""
    env = {
        key: value
        for key, value in (os.environ if base is None else base).items()
        if key not in _DROPPED_SETTINGS
    }
    env.setdefault("AWS_ENDPOINT_URL", REFUSING_ENDPOINT)
    if "AWS_ACCESS_KEY_ID" not in env:
        env["AWS_ACCESS_KEY_ID"] = "testing"
        env["AWS_SECRET_ACCESS_KEY"] = "testing"
    env.setdefault("AWS_DEFAULT_REGION", DEFAULT_REGION)
    return env


def start_server(data_dir: Path, *args: str, env: Mapping[str, str] | None = None) -> ServerProcess:
    """`smsvoice serve` on 127.0.0.1 and a free port, with throttling off, its store in `data_dir`."""
    return ServerProcess(
        data_dir,
        "--throttling",
        "off",
        *args,
        env=server_environment(env),
        command=_SERVE_COMMAND,
    ).start()


@contextlib.contextmanager
def running_server(
    *args: str,
    data_dir: str | Path | None = None,
    environment: bool = False,
    region: str = DEFAULT_REGION,
) -> Iterator[SmsvoiceClient]:
    """A fresh smsvoice server for the block, with a temporary store (or `data_dir`), stopped at the end.

    Yields its `SmsvoiceClient`; `.account_handle()` gives a handle on a fresh account. `args` go to
    `smsvoice serve` (`"--simulator-rules", "rules.json"`). Nothing global changes unless
    `environment=True`: then, for the block, this process's environment sends boto3's SMS clients to
    the server with dummy credentials of a fresh account and `region` (restored afterwards).
    """
    with contextlib.ExitStack() as stack:
        if data_dir is None:
            data_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="smsvoice-"))
        process = start_server(Path(data_dir), *args)
        stack.callback(stop_server, process)
        client = SmsvoiceClient(process.endpoint, region=region)
        if environment:
            stack.enter_context(patched_environment(client.environment(), remove=CONFLICTING_SETTINGS))
        yield client


@contextlib.contextmanager
def patched_environment(values: Mapping[str, str], *, remove: tuple[str, ...] = ()) -> Iterator[None]:
    """Set `values` (and unset `remove`) in os.environ for the block; restore everything after.
    boto3's default session is dropped on the way in and out, so that `boto3.client(...)` reads the
    environment as it is."""
    import boto3

    saved = {key: os.environ.get(key) for key in (*values, *remove)}
    try:
        for key in remove:
            os.environ.pop(key, None)
        os.environ.update(values)
        boto3.DEFAULT_SESSION = None
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        boto3.DEFAULT_SESSION = None


def stop_server(process: ServerProcess) -> None:
    """Stop a server of `start_server` (killed when it does not stop within 10 seconds)."""
    with contextlib.suppress(subprocess.TimeoutExpired):  # stop() has killed it then
        process.stop()
