"""The AWS CLI as a test's account would run it: no config files, no retries, no pager."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

AWS = str(Path(sys.executable).with_name("aws"))


def cli_environment(account: str, tmp_path: Path) -> dict[str, str]:
    """This process's environment without its AWS_* settings, plus the test account's."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    environment.update(
        {
            "AWS_ACCESS_KEY_ID": account,
            "AWS_SECRET_ACCESS_KEY": "test-secret",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_PAGER": "",
        }
    )
    return environment


def run_cli(
    endpoint: str, service: str, environment: dict[str, str], *args: str
) -> subprocess.CompletedProcess[str]:
    """`aws --endpoint-url ENDPOINT --output json SERVICE ARGS...`, bounded to a minute."""
    return subprocess.run(
        [AWS, "--endpoint-url", endpoint, "--output", "json", service, *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def cli_runner(endpoint: str, service: str, account: str, tmp_path: Path) -> Callable[..., tuple[int, Any]]:
    """Run `aws SERVICE <args>` as `account`; each call answers (exit code, JSON output or stderr)."""
    environment = cli_environment(account, tmp_path)

    def run(*args: str) -> tuple[int, Any]:
        done = run_cli(endpoint, service, environment, *args)
        if done.returncode != 0:
            return done.returncode, done.stderr
        return 0, json.loads(done.stdout) if done.stdout.strip() else {}

    return run
