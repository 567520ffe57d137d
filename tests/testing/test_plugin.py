"""The `smsvoice` and `smsvoice_server` fixtures, run by pytest in a subprocess as a user's suite runs
them (the plugin loads through its `pytest11` entry point), and `running_server` from a plain script."""

from __future__ import annotations

import re
import sys
import textwrap

import pytest

from smsvoice.testing import running_server

# An application module as apps are written: it builds its own boto3 client from the environment.
APP = '''
    """Acme's notifications."""

    import secrets

    import boto3

    SENDER = "+12065550123"  # Acme's own number


    def send_welcome(phone):
        sms = boto3.client("pinpoint-sms-voice-v2")
        sms.send_text_message(
            DestinationPhoneNumber=phone, OriginationIdentity=SENDER, MessageBody="Welcome to Acme!"
        )


    def send_login_code(phone):
        code = f"{secrets.randbelow(10**6):06d}"
        sms = boto3.client("pinpoint-sms-voice-v2")
        sms.send_text_message(
            DestinationPhoneNumber=phone,
            OriginationIdentity=SENDER,
            MessageBody=f"Your Acme code is {code}. It expires in 10 minutes.",
        )
        return code


    def send_offer(phone):
        sms = boto3.client("pinpoint-sms-voice-v2")
        return sms.send_text_message(
            DestinationPhoneNumber=phone, OriginationIdentity=SENDER, MessageBody="20% off today"
        )["MessageId"]
'''

TIMEOUT = 60


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", *args, timeout=TIMEOUT)


def printed(result: pytest.RunResult, label: str) -> list[str]:
    """The values that inner tests printed as `label value` lines (run with -s, a line may start
    with the test file's name)."""
    found = (re.search(rf"\b{label} (.+)$", line) for line in result.outlines)
    return [match.group(1) for match in found if match]


def test_the_three_line_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=APP)
    pytester.makepyfile(
        test_welcome="""
        import myapp

        def test_welcome_text(smsvoice):
            smsvoice.add_phone_number(myapp.SENDER)
            myapp.send_welcome("+12065550142")
            assert smsvoice.wait_for_message(destination="+12065550142")["body"] == "Welcome to Acme!"

        def test_the_message_as_recorded(smsvoice):
            smsvoice.add_phone_number(myapp.SENDER)
            myapp.send_welcome("+12065550142")
            message = smsvoice.wait_for_message(destination="+12065550142", status="DELIVERED")
            print("MESSAGE", message["account"], message["origination"], message["channel"], message["api"])
            events = [event["event_type"] for event in smsvoice.events(message["message_id"])]
            assert events == ["TEXT_SUCCESSFUL", "TEXT_DELIVERED"]
            assert message["account"] == smsvoice.account
        """
    )
    result = run(pytester, "-s")
    result.assert_outcomes(passed=2)
    [message] = printed(result, "MESSAGE")
    account, origination, channel, api = message.split()
    assert re.fullmatch(r"\d{12}", account)
    assert (origination, channel, api) == ("+12065550123", "TEXT", "v2")


def test_each_test_has_an_account_of_its_own(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "outer-key")
    monkeypatch.delenv("AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2", raising=False)
    monkeypatch.delenv("SMSVOICE_URL", raising=False)
    pytester.makeconftest(
        """
        import os

        def pytest_unconfigure(config):
            print("AFTER", os.environ.get("AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2"), os.environ.get("AWS_ACCESS_KEY_ID"))
        """
    )
    pytester.makepyfile(
        test_accounts="""
        import os

        import boto3
        import pytest

        @pytest.mark.parametrize("name", ["first", "second"])
        def test_own_account(smsvoice, name):
            assert os.environ["AWS_ACCESS_KEY_ID"] == smsvoice.account
            smsvoice.add_phone_number("+12065550123")
            # No endpoint, no credentials: what application code does.
            boto3.client("pinpoint-sms-voice-v2").send_text_message(
                DestinationPhoneNumber="+12065550100", MessageBody=f"hello {name}"
            )
            assert [message["body"] for message in smsvoice.messages()] == [f"hello {name}"]
            assert smsvoice.wait_for_message(destination="+12065550100")["account"] == smsvoice.account
            print("ACCOUNT", name, smsvoice.account)

        def test_the_session(smsvoice_server):
            assert os.environ["AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2"] == smsvoice_server.endpoint
            assert os.environ["AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE"] == smsvoice_server.endpoint
            assert os.environ["AWS_DEFAULT_REGION"] == "us-east-1"
            print("SESSION", os.environ["AWS_ACCESS_KEY_ID"])
            # The server sees every account's messages.
            bodies = [message["body"] for message in smsvoice_server.messages(destination="+12065550100")]
            assert bodies == ["hello first", "hello second"]
        """
    )
    result = run(pytester, "-s")
    result.assert_outcomes(passed=3)
    accounts = dict(line.split() for line in printed(result, "ACCOUNT"))
    [session_key] = printed(result, "SESSION")
    assert accounts.keys() == {"first", "second"}
    assert all(re.fullmatch(r"\d{12}", account) for account in accounts.values())
    assert len({accounts["first"], accounts["second"], session_key}) == 3
    # Everything is restored once the session is over.
    assert printed(result, "AFTER") == ["None outer-key"]


def test_last_code(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=APP)
    pytester.makepyfile(
        test_codes="""
        import re

        import pytest

        import myapp

        def test_login_code(smsvoice):
            smsvoice.add_phone_number(myapp.SENDER)
            myapp.send_login_code("+12065550142")
            code = myapp.send_login_code("+12065550142")
            assert smsvoice.last_code("+12065550142") == code
            print("CODE", code)

        def test_verification_code(smsvoice):
            sms = smsvoice.client("pinpoint-sms-voice-v2")
            number_id = sms.create_verified_destination_number(DestinationPhoneNumber="+12065550177")[
                "VerifiedDestinationNumberId"
            ]
            sms.send_destination_number_verification_code(VerifiedDestinationNumberId=number_id, VerificationChannel="TEXT")
            code = smsvoice.last_code("+12065550177", pattern=r"code is (\\d+)")
            assert re.fullmatch(r"\\d{6}", code)
            answer = sms.verify_destination_number(VerifiedDestinationNumberId=number_id, VerificationCode=code)
            assert answer["Status"] == "VERIFIED"

        def test_no_message(smsvoice):
            with pytest.raises(AssertionError, match=r"no message of account \\d{12} \\(us-east-1\\) went to \\+12065550188"):
                smsvoice.last_code("+12065550188")

        def test_no_code(smsvoice):
            smsvoice.add_phone_number(myapp.SENDER)
            myapp.send_welcome("+12065550142")
            with pytest.raises(AssertionError, match="holds no code"):
                smsvoice.last_code("+12065550142")
        """
    )
    result = run(pytester, "-s")
    result.assert_outcomes(passed=4)
    [code] = printed(result, "CODE")
    assert re.fullmatch(r"\d{6}", code)


def test_advance_with_a_delayed_rule(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=APP)
    pytester.makepyfile(
        test_delays="""
        import pytest

        import myapp

        def test_delivered_an_hour_later(smsvoice):
            smsvoice.add_phone_number(myapp.SENDER)
            rule = smsvoice.rules.add(
                {"destination": "+447700900123", "outcome": "DELIVERED", "path": ["QUEUED"], "delay_seconds": 3600}
            )
            assert rule["account"] == smsvoice.account and rule["id"]
            assert [listed["id"] for listed in smsvoice.rules.list()] == [rule["id"]]
            smsvoice.seed(PhoneNumbers=[{"PhoneNumber": "+447700900999", "NumberType": "LONG_CODE"}])
            sms = smsvoice.client("pinpoint-sms-voice-v2")
            message_id = sms.send_text_message(
                DestinationPhoneNumber="+447700900123", OriginationIdentity="+447700900999", MessageBody="Parcel due"
            )["MessageId"]
            assert smsvoice.message(message_id)["status"] == "ACCEPTED"
            with pytest.raises(AssertionError) as waited:
                smsvoice.wait_for_message(timeout=0.3, destination="+447700900123", status="DELIVERED")
            assert "destination='+447700900123', status='DELIVERED' within 0.3s" in str(waited.value)
            assert "+447700900123 ACCEPTED 'Parcel due'" in str(waited.value)

            clock = smsvoice.advance(3600)
            assert clock["applied"] >= 1
            message = smsvoice.wait_for_message(destination="+447700900123", status="DELIVERED", timeout=2)
            assert message["message_id"] == message_id
            assert [event["event_type"] for event in smsvoice.events(message_id)] == ["TEXT_QUEUED", "TEXT_DELIVERED"]
            smsvoice.rules.clear()
            assert smsvoice.rules.list() == []

        def test_rules_stay_in_their_account(smsvoice):
            assert smsvoice.rules.list() == []
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2)


def test_inbound_stop_then_a_refused_send(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=APP)
    pytester.makepyfile(
        test_two_way="""
        import pytest
        from botocore.exceptions import ClientError

        import myapp

        def test_stop(smsvoice):
            smsvoice.add_phone_number(myapp.SENDER)
            myapp.send_offer("+12065550142")
            answer = smsvoice.inject_inbound(originationNumber="+12065550142", destinationNumber=myapp.SENDER, messageBody="STOP")
            assert (answer["action"], answer["messageKeyword"], answer["account"]) == ("OPT_OUT", "STOP", smsvoice.account)
            with pytest.raises(ClientError) as refused:
                myapp.send_offer("+12065550142")
            error = refused.value.response
            print("REFUSED", error["Error"]["Code"], error["Reason"])
            [inbound] = smsvoice.messages(direction="inbound")
            assert (inbound["origination"], inbound["body"]) == ("+12065550142", "STOP")
            # The offer and the answer to STOP; the refused offer is not stored.
            assert len(smsvoice.messages(destination="+12065550142")) == 2
        """
    )
    result = run(pytester, "-s")
    result.assert_outcomes(passed=1)
    assert printed(result, "REFUSED") == ["ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT"]


INNER_ON_A_GIVEN_SERVER = """
    import os

    import boto3

    def test_on_the_given_server(smsvoice):
        assert smsvoice.endpoint == os.environ["EXPECTED_ENDPOINT"]
        assert os.environ["AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2"] == smsvoice.endpoint
        smsvoice.add_phone_number("+12065550123")
        boto3.client("pinpoint-sms-voice-v2").send_text_message(
            DestinationPhoneNumber="+12065550111", MessageBody=os.environ["EXPECTED_BODY"]
        )
        print("ACCOUNT", smsvoice.account)
"""


def test_smsvoice_url(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makepyfile(test_given=INNER_ON_A_GIVEN_SERVER)
    monkeypatch.delenv("SMSVOICE_URL", raising=False)
    with running_server() as server:
        monkeypatch.setenv("EXPECTED_ENDPOINT", server.endpoint)
        monkeypatch.setenv("EXPECTED_BODY", "by option")
        by_option = run(pytester, "-s", "--smsvoice-url", server.endpoint)
        monkeypatch.setenv("SMSVOICE_URL", server.endpoint)
        monkeypatch.setenv("EXPECTED_BODY", "by variable")
        by_variable = run(pytester, "-s")
        sent = server.messages(destination="+12065550111")
    by_option.assert_outcomes(passed=1)
    by_variable.assert_outcomes(passed=1)
    assert [(message["account"], message["body"]) for message in sent] == [
        (*printed(by_option, "ACCOUNT"), "by option"),
        (*printed(by_variable, "ACCOUNT"), "by variable"),
    ]


def test_smsvoice_url_without_a_server(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_nothing="""
        def test_needs_it(smsvoice):
            pass
        """
    )
    result = run(pytester, "--smsvoice-url", "http://127.0.0.1:9")
    assert result.ret == 4
    result.stdout.fnmatch_lines(["*smsvoice: no server answers at http://127.0.0.1:9 (*"])


def test_running_server_in_a_plain_script(pytester: pytest.Pytester) -> None:
    script = pytester.makepyfile(
        script=textwrap.dedent(
            """
            import os

            import boto3

            from smsvoice.testing import SmsvoiceClient, running_server

            with running_server(environment=True) as server:
                account = server.account_handle()
                account.add_phone_number("+12065550123")
                sms = account.client("pinpoint-sms-voice-v2")
                sms.send_text_message(DestinationPhoneNumber="+12065550142", MessageBody="Your code is 724913")
                print("CODE", account.last_code("+12065550142"))
                print("MINE", len(account.messages()), "OTHER", len(server.account_handle().messages()))
                # environment=True: clients from the environment reach the server, as a fresh account.
                print("ENV", boto3.client("pinpoint-sms-voice-v2").describe_phone_numbers()["PhoneNumbers"])
                endpoint = server.endpoint
                print("HEALTH", SmsvoiceClient(endpoint).health()["status"])
            print("RESTORED", os.environ.get("AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2"))
            try:
                SmsvoiceClient(endpoint, timeout=2).health()
            except OSError:
                print("STOPPED")
            """
        )
    )
    result = pytester.run(sys.executable, str(script), timeout=TIMEOUT)
    assert result.ret == 0, result.stderr.str()
    assert result.outlines == [
        "CODE 724913",
        "MINE 1 OTHER 0",
        "ENV []",
        "HEALTH ok",
        "RESTORED None",
        "STOPPED",
    ]


def test_running_server_in_unittest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=APP)
    pytester.makepyfile(
        test_welcome_unittest="""
        import unittest

        import myapp
        from smsvoice.testing import running_server

        class WelcomeTest(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                cls.server = cls.enterClassContext(running_server())

            def setUp(self):
                self.smsvoice = self.server.account_handle()
                self.enterContext(self.smsvoice.activate())
                self.smsvoice.add_phone_number(myapp.SENDER)

            def test_welcome_text(self):
                myapp.send_welcome("+12065550142")
                message = self.smsvoice.wait_for_message(destination="+12065550142")
                self.assertEqual(message["body"], "Welcome to Acme!")

            def test_a_fresh_account(self):
                self.assertEqual(self.smsvoice.messages(), [])
        """
    )
    result = pytester.run(sys.executable, "-m", "unittest", "-v", "test_welcome_unittest", timeout=TIMEOUT)
    assert result.ret == 0, result.stderr.str()
    result.stderr.fnmatch_lines(
        ["test_a_fresh_account * ok", "test_welcome_text * ok", "Ran 2 tests *", "OK"]
    )


def test_faults_and_reset_from_the_handle(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(myapp=APP)
    pytester.makepyfile(
        test_faults="""
        import pytest
        from botocore.config import Config
        from botocore.exceptions import ClientError

        import myapp

        def test_a_throttled_send_then_a_good_one(smsvoice):
            smsvoice.add_phone_number(myapp.SENDER)
            rule = smsvoice.faults.add(operation="SendTextMessage", error="ThrottlingException", count=1)
            # boto3 retries throttling by itself: one attempt shows the error the app would see.
            sms = smsvoice.client("pinpoint-sms-voice-v2", config=Config(retries={"total_max_attempts": 1}))
            with pytest.raises(ClientError) as info:
                sms.send_text_message(
                    DestinationPhoneNumber="+12065550142", OriginationIdentity=myapp.SENDER, MessageBody="x"
                )
            assert info.value.response["Error"]["Code"] == "ThrottlingException"
            [listed] = smsvoice.faults.list()
            assert (listed["id"], listed["fired"], listed["account"]) == (rule["id"], 1, smsvoice.account)
            myapp.send_welcome("+12065550142")
            assert smsvoice.wait_for_message(destination="+12065550142")["body"] == "Welcome to Acme!"
            smsvoice.faults.clear()
            assert smsvoice.faults.list() == []

        def test_reset_forgets_the_account(smsvoice):
            smsvoice.add_phone_number(myapp.SENDER)
            myapp.send_welcome("+12065550142")
            smsvoice.wait_for_message(destination="+12065550142")
            forgotten = smsvoice.reset()["forgotten"]
            assert forgotten["messages"] == 1
            assert smsvoice.messages() == []
            sms = smsvoice.client("pinpoint-sms-voice-v2")
            assert sms.describe_phone_numbers()["PhoneNumbers"] == []
        """
    )
    result = run(pytester)
    result.assert_outcomes(passed=2)
