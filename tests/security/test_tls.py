"""`--tls-cert/--tls-key`: HTTPS, checked by boto3 against a self-signed certificate made here."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from smsvoice.security.credentials import new_access_key
from tests.security.conftest import client_for, write_credentials


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smsvoice test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_boto3_speaks_sigv4_over_https(fresh_server: Any, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    alice = new_access_key("444444444444")
    credentials = write_credentials(tmp_path / "credentials.json", alice)
    process = fresh_server(
        "--auth",
        "sigv4",
        "--credentials-file",
        str(credentials),
        "--tls-cert",
        str(cert),
        "--tls-key",
        str(key),
    )
    assert process.endpoint.startswith("https://127.0.0.1:")
    v2 = client_for(alice, "pinpoint-sms-voice-v2", process.endpoint, verify=str(cert))
    created = v2.create_configuration_set(ConfigurationSetName="over-tls")
    assert created["ConfigurationSetName"] == "over-tls"
    v1 = client_for(alice, "pinpoint-sms-voice", process.endpoint, verify=str(cert))
    assert v1.list_configuration_sets()["ConfigurationSets"] == []
    # A client that does not trust the certificate never gets as far as a request.
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{process.endpoint}/_smsvoice/health")
    assert (
        httpx.get(
            f"{process.endpoint}/_smsvoice/health", verify=ssl.create_default_context(cafile=str(cert))
        ).status_code
        == 200
    )
    # Plain HTTP to the TLS port is not served.
    with pytest.raises(httpx.HTTPError):
        httpx.get(process.endpoint.replace("https://", "http://") + "/_smsvoice/health", timeout=5)


def test_a_certificate_without_its_key_stops_the_start(tmp_path: Path) -> None:
    from smsvoice.cli import main

    cert, _ = self_signed(tmp_path)
    with pytest.raises(SystemExit) as stopped:
        main(["serve", "--data-dir", str(tmp_path / "data"), "--tls-cert", str(cert)])
    assert stopped.value.code == 2
