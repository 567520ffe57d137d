"""Output shaping: handlers return documents, the serializer sends only what the model declares.

Unit tests run the shaper on real shapes of both models (and on a few small hand-written models for
traits neither model uses in outputs: renamed members, recursion, header and status-code members);
end-to-end tests read the raw bodies boto3 receives from the live server.
"""

from __future__ import annotations

import base64
import datetime
from typing import Any

import orjson
from botocore.model import OperationModel, ServiceModel, Shape, ShapeResolver, StructureShape
from botocore.parsers import create_parser

from smsvoice.protocol.json_protocol import JsonProtocol
from smsvoice.protocol.model import load_service_model
from smsvoice.protocol.rest_json import RestJsonProtocol
from smsvoice.protocol.shaping import Shapers
from tests.support.samples import sample
from tests.v2.identity_support import request_number

V1 = load_service_model("pinpoint-sms-voice")
V2 = load_service_model("pinpoint-sms-voice-v2")
EPOCH = 1_700_000_000.5
MOMENT = datetime.datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=datetime.UTC)  # EPOCH


def _output_shaper(model: ServiceModel, operation: str) -> Any:
    return Shapers().shaper(model.operation_model(operation).output_shape)


def undeclared(shape: Shape, value: Any, path: str = "") -> list[str]:
    """Paths of members in `value` (a parsed JSON body) that `shape` does not declare."""
    found: list[str] = []
    if isinstance(shape, StructureShape) and not shape.metadata.get("document"):
        wire = {member.serialization.get("name", name): member for name, member in shape.members.items()}
        for key, item in value.items():
            if key not in wire:
                found.append(f"{path}.{key}")
            else:
                found.extend(undeclared(wire[key], item, f"{path}.{key}"))
    elif shape.type_name == "list":
        for index, item in enumerate(value):
            found.extend(undeclared(shape.member, item, f"{path}[{index}]"))
    elif shape.type_name == "map":
        for key, item in value.items():
            found.extend(undeclared(shape.value, item, f"{path}[{key}]"))
    return found


# --- the shaper on real shapes ---------------------------------------------------------------------


def test_undeclared_members_and_none_are_dropped() -> None:
    info = sample(V2.shape_for("PhoneNumberInformation"), full=True)
    stored = {**info, "OptOutListName": None, "Owner": "111122223333", "Internal": {"x": 1}}
    shaped = _output_shaper(V2, "DescribePhoneNumbers")(
        {"PhoneNumbers": [stored], "NextToken": None, "Debug": True}
    )
    expected = {key: value for key, value in info.items() if key != "OptOutListName"}
    assert shaped == {"PhoneNumbers": [expected]}
    assert stored["Owner"] == "111122223333"  # the handler's document is left as it was


def test_an_exact_plain_output_is_sent_without_a_copy() -> None:
    output = {"MessageId": "m-1"}
    assert _output_shaper(V2, "SendTextMessage")(output) is output
    assert _output_shaper(V2, "SendTextMessage")({"MessageId": "m-1", "Extra": 1}) == {"MessageId": "m-1"}


def test_nested_lists_of_structures_are_shaped_at_every_level() -> None:
    destination = {
        "EventDestinationName": "logs",
        "Enabled": True,
        "MatchingEventTypes": ["ALL"],
        "CloudWatchLogsDestination": {"IamRoleArn": "arn:role", "LogGroupArn": "arn:group", "Secret": "s"},
        "Created": 12,
    }
    configuration_set = {
        "ConfigurationSetArn": "arn:cs",
        "ConfigurationSetName": "cs",
        "EventDestinations": [destination, {**destination, "SnsDestination": None}],
        "CreatedTimestamp": MOMENT,
        "Tags": [{"Key": "k", "Value": "v"}],
    }
    shaped = _output_shaper(V2, "DescribeConfigurationSets")({"ConfigurationSets": [configuration_set]})
    clean = {
        "EventDestinationName": "logs",
        "Enabled": True,
        "MatchingEventTypes": ["ALL"],
        "CloudWatchLogsDestination": {"IamRoleArn": "arn:role", "LogGroupArn": "arn:group"},
    }
    assert shaped == {
        "ConfigurationSets": [
            {
                "ConfigurationSetArn": "arn:cs",
                "ConfigurationSetName": "cs",
                "EventDestinations": [clean, clean],
                "CreatedTimestamp": EPOCH,
            }
        ]
    }
    assert "Secret" in destination["CloudWatchLogsDestination"]  # type: ignore[operator]


def test_maps_shape_their_values() -> None:
    shaped = _output_shaper(V2, "GetProtectConfigurationCountryRuleSet")(
        {
            "ProtectConfigurationArn": "arn:p",
            "ProtectConfigurationId": "p",
            "NumberCapability": "SMS",
            "CountryRuleSet": {
                "US": {"ProtectStatus": "ALLOW", "Note": "x"},
                "FR": {"ProtectStatus": "BLOCK"},
            },
        }
    )
    assert shaped["CountryRuleSet"] == {"US": {"ProtectStatus": "ALLOW"}, "FR": {"ProtectStatus": "BLOCK"}}
    attributes = {"a": "1", "b": "2"}
    registration = _output_shaper(V2, "CreateRegistration")({"AdditionalAttributes": attributes})
    assert registration["AdditionalAttributes"] is attributes  # a map of strings passes as it is


def test_timestamps_are_epoch_seconds_unless_the_shape_says_otherwise() -> None:
    shapers = Shapers()
    epoch = shapers.shaper(V2.shape_for("Timestamp"))
    naive = MOMENT.replace(tzinfo=None)
    assert [epoch(EPOCH), epoch(1_700_000_000), epoch(MOMENT), epoch(naive)] == [
        EPOCH,
        1_700_000_000,
        EPOCH,
        EPOCH,
    ]
    iso = shapers.shaper(V1.shape_for("__timestampIso8601"))
    assert iso(EPOCH) == "2023-11-14T22:13:20.500Z"
    assert iso(MOMENT.replace(microsecond=0)) == "2023-11-14T22:13:20Z"
    assert shapers.shaper(V1.shape_for("__timestampUnix"))(MOMENT) == EPOCH
    # A protocol whose default is rfc822 (headers) still honours a shape's own format.
    rfc = Shapers(timestamp_format="rfc822")
    assert rfc.shaper(V2.shape_for("Timestamp"))(MOMENT) == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert rfc.shaper(V1.shape_for("__timestampUnix"))(EPOCH) == EPOCH


def test_blobs_are_base64_and_strings_pass() -> None:
    blob = Shapers().shaper(V2.shape_for("AttachmentBody"))
    assert blob(b"\x00\xffhello") == base64.b64encode(b"\x00\xffhello").decode()
    assert blob(bytearray(b"ab")) == "YWI="
    assert blob("YWI=") == "YWI="


def test_unions_keep_only_declared_members() -> None:
    content = Shapers().shaper(V2.shape_for("RcsContent"))
    assert content({"TextMessage": {"Body": "hi", "Draft": True}, "Poll": {"Question": "?"}}) == {
        "TextMessage": {"Body": "hi"}
    }


def test_values_of_the_wrong_type_are_left_for_the_validator() -> None:
    shaper = _output_shaper(V2, "DescribeConfigurationSets")
    assert shaper({"ConfigurationSets": "not a list"}) == {"ConfigurationSets": "not a list"}
    assert shaper({"ConfigurationSets": ["not a structure"]}) == {"ConfigurationSets": ["not a structure"]}


_SMALL_SHAPES: dict[str, Any] = {
    "Node": {
        "type": "structure",
        "members": {
            "Value": {"shape": "Text", "locationName": "value"},
            "Next": {"shape": "Node"},
            "Data": {"shape": "Document"},
            "Json": {"shape": "JsonText"},
        },
    },
    "Text": {"type": "string"},
    "JsonText": {"type": "string", "jsonvalue": True},
    "Document": {"type": "structure", "members": {}, "document": True},
}


def test_recursive_shapes_renamed_members_documents_and_json_values() -> None:
    node = ShapeResolver(_SMALL_SHAPES).get_shape_by_name("Node")
    shaped = Shapers().shaper(node)(
        {
            "Value": "a",
            "Next": {"Value": "b", "Next": {"Value": "c", "Extra": 1}, "Data": {"any": ["thing"]}},
            "Json": '{"k": 1}',
            "Extra": 2,
        }
    )
    assert shaped == {
        "value": "a",
        "Next": {"value": "b", "Next": {"value": "c"}, "Data": {"any": ["thing"]}},
        "Json": '{"k": 1}',
    }


# --- the protocols ---------------------------------------------------------------------------------


def _rest_model() -> ServiceModel:
    return ServiceModel(
        {
            "metadata": {"protocol": "rest-json", "serviceId": "Small", "apiVersion": "2020-01-01"},
            "operations": {
                "GetThing": {
                    "name": "GetThing",
                    "http": {"method": "GET", "requestUri": "/v1/things/{Id}", "responseCode": 200},
                    "input": {"shape": "GetThingRequest"},
                    "output": {"shape": "GetThingResponse"},
                }
            },
            "shapes": {
                "GetThingRequest": {
                    "type": "structure",
                    "required": ["Id"],
                    "members": {"Id": {"shape": "Text", "location": "uri", "locationName": "Id"}},
                },
                "GetThingResponse": {
                    "type": "structure",
                    "members": {
                        "Version": {"shape": "Text", "location": "header", "locationName": "X-Thing-Version"},
                        "Code": {"shape": "Count", "location": "statusCode"},
                        "Name": {"shape": "Text"},
                        "Created": {"shape": "Moment"},
                    },
                },
                "Text": {"type": "string"},
                "Count": {"type": "integer"},
                "Moment": {"type": "timestamp"},
            },
        },
        "small",
    )


def test_rest_json_keeps_header_and_status_members_out_of_the_body() -> None:
    model = _rest_model()
    operation = model.operation_model("GetThing")
    answer = RestJsonProtocol(model).serialize_output(
        operation, {"Version": "7", "Code": 202, "Name": "n", "Created": MOMENT, "Owner": "x"}
    )
    assert answer.status == 202
    assert answer.headers["x-thing-version"] == "7"
    assert orjson.loads(answer.body) == {"Name": "n", "Created": EPOCH}
    assert answer.shaped == {"Name": "n", "Created": EPOCH, "Version": "7", "Code": 202}


def _parsed(model: ServiceModel, operation: OperationModel, answer: Any) -> Any:
    response = {"status_code": answer.status, "headers": answer.headers, "body": answer.body}
    return create_parser(model.protocol).parse(response, operation.output_shape)


def test_v1_rest_json_body_has_only_declared_members_and_parses_in_botocore() -> None:
    operation = V1.operation_model("GetConfigurationSetEventDestinations")
    stored = {
        "Name": "sns",
        "Enabled": True,
        "MatchingEventTypes": ["RINGING"],
        "SnsDestination": {"TopicArn": "arn:topic", "Region": "eu-west-1"},
        "CreatedAt": EPOCH,
    }
    answer = RestJsonProtocol(V1).serialize_output(operation, {"EventDestinations": [stored], "Set": "cs"})
    body = orjson.loads(answer.body)
    assert undeclared(operation.output_shape, body) == []
    assert body == {
        "EventDestinations": [
            {
                "Name": "sns",
                "Enabled": True,
                "MatchingEventTypes": ["RINGING"],
                "SnsDestination": {"TopicArn": "arn:topic"},
            }
        ]
    }
    assert _parsed(V1, operation, answer)["EventDestinations"] == body["EventDestinations"]


def test_v2_json_answer_exposes_what_it_sent() -> None:
    operation = V2.operation_model("DeleteOptOutList")
    answer = JsonProtocol(V2).serialize_output(
        operation, {"OptOutListArn": "arn:l", "OptOutListName": "l", "CreatedTimestamp": MOMENT, "Keep": 1}
    )
    assert orjson.loads(answer.body) == answer.shaped
    assert answer.shaped == {"OptOutListArn": "arn:l", "OptOutListName": "l", "CreatedTimestamp": EPOCH}
    parsed = _parsed(V2, operation, answer)
    assert parsed["CreatedTimestamp"] == MOMENT


# --- end to end, through boto3 and the live server -------------------------------------------------


def _raw_bodies(client: Any) -> dict[str, Any]:
    """Record the raw JSON body of each answer the client receives, by operation name."""
    bodies: dict[str, Any] = {}

    def keep(http_response: Any, model: OperationModel, **_: Any) -> None:
        bodies[model.name] = orjson.loads(http_response.content or b"{}")

    client.meta.events.register("after-call", keep)
    return bodies


def test_describe_phone_numbers_sends_only_declared_members(v2: Any) -> None:
    bodies = _raw_bodies(v2)
    created = request_number(v2, Tags=[{"Key": "team", "Value": "ops"}])
    described = v2.describe_phone_numbers(PhoneNumberIds=[created["PhoneNumberId"]])
    output_shape = V2.operation_model("DescribePhoneNumbers").output_shape
    raw = bodies["DescribePhoneNumbers"]
    assert undeclared(output_shape, raw) == []
    assert "Tags" not in raw["PhoneNumbers"][0]  # RequestPhoneNumber declares Tags, the item shape does not
    assert (
        undeclared(V2.operation_model("RequestPhoneNumber").output_shape, bodies["RequestPhoneNumber"]) == []
    )
    assert bodies["RequestPhoneNumber"]["Tags"] == [{"Key": "team", "Value": "ops"}]
    (number,) = described["PhoneNumbers"]
    assert number["PhoneNumberId"] == created["PhoneNumberId"]
    assert isinstance(number["CreatedTimestamp"], datetime.datetime)
    assert isinstance(raw["PhoneNumbers"][0]["CreatedTimestamp"], int | float)


def test_deleted_verified_destination_answers_without_status(v2: Any) -> None:
    bodies = _raw_bodies(v2)
    created = v2.create_verified_destination_number(DestinationPhoneNumber="+12065550177")
    assert created["Status"] == "PENDING"
    deleted = v2.delete_verified_destination_number(
        VerifiedDestinationNumberId=created["VerifiedDestinationNumberId"]
    )
    assert set(bodies["DeleteVerifiedDestinationNumber"]) == {
        "VerifiedDestinationNumberArn",
        "VerifiedDestinationNumberId",
        "DestinationPhoneNumber",
        "CreatedTimestamp",
    }
    assert deleted["DestinationPhoneNumber"] == "+12065550177"
    for name in ("CreateVerifiedDestinationNumber", "DeleteVerifiedDestinationNumber"):
        assert undeclared(V2.operation_model(name).output_shape, bodies[name]) == []


def test_v1_event_destinations_send_only_declared_members(v1: Any) -> None:
    bodies = _raw_bodies(v1)
    v1.create_configuration_set(ConfigurationSetName="shaped")
    v1.create_configuration_set_event_destination(
        ConfigurationSetName="shaped",
        EventDestinationName="sns",
        EventDestination={
            "Enabled": True,
            "MatchingEventTypes": ["RINGING"],
            "SnsDestination": {"TopicArn": "arn:aws:sns:us-east-1:111122223333:calls"},
        },
    )
    listed = v1.get_configuration_set_event_destinations(ConfigurationSetName="shaped")
    output_shape = V1.operation_model("GetConfigurationSetEventDestinations").output_shape
    assert undeclared(output_shape, bodies["GetConfigurationSetEventDestinations"]) == []
    (destination,) = listed["EventDestinations"]
    assert destination["Name"] == "sns"
    assert destination["SnsDestination"] == {"TopicArn": "arn:aws:sns:us-east-1:111122223333:calls"}


def test_deleted_configuration_set_answers_without_its_protect_configuration(v2: Any) -> None:
    bodies = _raw_bodies(v2)
    v2.create_configuration_set(ConfigurationSetName="guarded")
    protect_id = v2.create_protect_configuration()["ProtectConfigurationId"]
    v2.associate_protect_configuration(ProtectConfigurationId=protect_id, ConfigurationSetName="guarded")
    described = v2.describe_configuration_sets(ConfigurationSetNames=["guarded"])["ConfigurationSets"]
    assert described[0]["ProtectConfigurationId"] == protect_id  # stored, and declared by Describe
    deleted = v2.delete_configuration_set(ConfigurationSetName="guarded")
    assert deleted["ConfigurationSetName"] == "guarded"
    assert "ProtectConfigurationId" not in bodies["DeleteConfigurationSet"]  # undeclared by Delete
