"""generator.naming: wire names → Python names, table by table."""

from __future__ import annotations

import keyword

import pytest

from generator import naming

WORDS = [
    ("StatusCallbackMethod", ["Status", "Callback", "Method"]),
    ("stream-auth-type", ["stream", "auth", "type"]),
    ("Parameter1.Name", ["Parameter1", "Name"]),
    ("SIPTrunkResponse", ["SIP", "Trunk", "Response"]),
    ("callSid", ["call", "Sid"]),
    ("a b", ["a", "b"]),
    ("Über", ["Uber"]),
    ("1st", ["1st"]),
    ("", []),
    ("__init__", ["init"]),
    ("v2", ["v2"]),
]

SNAKE = [
    ("StatusCallbackMethod", "status_callback_method"),
    ("stream-auth-type", "stream_auth_type"),
    ("Parameter1.Name", "parameter1_name"),
    ("SIPTrunkResponse", "sip_trunk_response"),
    ("callSid", "call_sid"),
    ("class", "class"),  # snake is only the body: escaping is attribute()/argument()/method()'s job
    ("from", "from"),
    ("1st", "1st"),
    ("json", "json"),
    ("model_config", "model_config"),
    ("", ""),
    ("Über", "uber"),
    ("a b", "a_b"),
    ("getHTTPResponse", "get_http_response"),
    ("X-Trace", "x_trace"),
    ("snake_case", "snake_case"),
    ("UPPER_CASE", "upper_case"),
]

PASCAL = [
    ("StatusCallbackMethod", "StatusCallbackMethod"),
    ("stream-auth-type", "StreamAuthType"),
    ("Parameter1.Name", "Parameter1Name"),
    ("SIPTrunkResponse", "SIPTrunkResponse"),  # already PascalCase: kept as written
    ("callSid", "CallSid"),
    ("class", "Class"),
    ("from", "From"),
    ("1st", "1st"),
    ("json", "Json"),
    ("model_config", "ModelConfig"),
    ("", ""),
    ("Über", "Uber"),
    ("a b", "AB"),
    ("get_call_response", "GetCallResponse"),
]

UPPER = [
    ("StatusCallbackMethod", "STATUS_CALLBACK_METHOD"),
    ("stream-auth-type", "STREAM_AUTH_TYPE"),
    ("Parameter1.Name", "PARAMETER1_NAME"),
    ("SIPTrunkResponse", "SIP_TRUNK_RESPONSE"),
    ("callSid", "CALL_SID"),
    ("class", "CLASS"),
    ("1st", "1ST"),
    ("", ""),
    ("Über", "UBER"),
    ("a b", "A_B"),
    ("in-progress", "IN_PROGRESS"),
]

ATTRIBUTE = [
    ("L", "l_"),  # E741
    ("StatusCallbackMethod", "status_callback_method"),
    ("stream-auth-type", "stream_auth_type"),
    ("Parameter1.Name", "parameter1_name"),
    ("SIPTrunkResponse", "sip_trunk_response"),
    ("callSid", "call_sid"),
    ("class", "class_"),
    ("from", "from_"),
    ("1st", "field_1st"),
    ("json", "json_"),  # would shadow BaseModel.json
    ("model_config", "model_config_"),  # would replace the model's pydantic config
    ("", "field"),
    ("Über", "uber"),
    ("a b", "a_b"),
    ("copy", "copy_"),
    ("validate", "validate_"),
    ("self", "self"),
    ("_", "field"),
]

ARGUMENT = [
    ("StatusCallbackMethod", "status_callback_method"),
    ("stream-auth-type", "stream_auth_type"),
    ("Parameter1.Name", "parameter1_name"),
    ("callSid", "call_sid"),
    ("class", "class_"),
    ("from", "from_"),
    ("1st", "arg_1st"),
    ("json", "json"),  # an argument may be called json: it shadows nothing
    ("model_config", "model_config"),
    ("", "arg"),
    ("Über", "uber"),
    ("a b", "a_b"),
    ("self", "self_"),
    ("request_options", "request_options_"),
    ("cls", "cls_"),
    ("async", "async_"),
    ("l", "l_"),  # E741: hard to tell from 1
]

METHOD = [
    ("StatusCallbackMethod", "status_callback_method"),
    ("stream-auth-type", "stream_auth_type"),
    ("SIPTrunkResponse", "sip_trunk_response"),
    ("callSid", "call_sid"),
    ("class", "class_"),
    ("from", "from_"),
    ("1st", "op_1st"),
    ("json", "json"),
    ("", "op"),
    ("Über", "uber"),
    ("a b", "a_b"),
    ("with_raw_response", "with_raw_response_"),
    ("close", "close_"),
    ("aclose", "aclose_"),
    ("getCall", "get_call"),
]

CLASS_NAME = [
    ("StatusCallbackMethod", "StatusCallbackMethod"),
    ("stream-auth-type", "StreamAuthType"),
    ("Parameter1.Name", "Parameter1Name"),
    ("SIPTrunkResponse", "SIPTrunkResponse"),
    ("callSid", "CallSid"),
    ("class", "Class"),
    ("from", "From"),
    ("1st", "Model1st"),
    ("json", "Json"),
    ("model_config", "ModelConfig"),
    ("", "Model"),
    ("Über", "Uber"),
    ("a b", "AB"),
    ("BaseModel", "BaseModel_"),  # generated modules import these names
    ("Field", "Field_"),
    ("ApiModel", "ApiModel_"),
    ("None", "None_"),
    ("true", "True_"),
    ("I", "I_"),  # E742
    ("O", "O_"),
]

ENUM_MEMBER: list[tuple[object, str]] = [
    ("in-progress", "IN_PROGRESS"),
    ("1080p", "VALUE_1080P"),
    (-1.5, "NEG_1_5"),
    (1.5, "VALUE_1_5"),
    (-1, "NEG_1"),
    (0, "VALUE_0"),
    (404, "VALUE_404"),
    ("it's", "IT_S"),
    ("both_tracks", "BOTH_TRACKS"),
    ("POST", "POST"),
    ("StatusCallbackMethod", "STATUS_CALLBACK_METHOD"),
    ("class", "CLASS"),
    ("", "EMPTY"),
    ("_", "EMPTY"),
    (True, "TRUE"),
    (False, "FALSE"),
    ("Über", "UBER"),
    ("a b", "A_B"),
    ("I", "I_"),  # E741: a class attribute named I, O or l is refused by ruff
    ("o", "O_"),
]

MODULE = [
    ("laml_streams", "laml_streams"),
    ("stream-video", "stream_video"),
    ("models", "models_"),
    ("resources", "resources_"),
    ("1st", "m_1st"),
    ("", "module"),
]


@pytest.mark.parametrize(("wire", "expected"), WORDS)
def test_words(wire: str, expected: list[str]) -> None:
    assert naming.words(wire) == expected


@pytest.mark.parametrize(("wire", "expected"), SNAKE)
def test_snake(wire: str, expected: str) -> None:
    assert naming.snake(wire) == expected


@pytest.mark.parametrize(("wire", "expected"), PASCAL)
def test_pascal(wire: str, expected: str) -> None:
    assert naming.pascal(wire) == expected


@pytest.mark.parametrize(("wire", "expected"), UPPER)
def test_upper(wire: str, expected: str) -> None:
    assert naming.upper(wire) == expected


@pytest.mark.parametrize(("wire", "expected"), ATTRIBUTE)
def test_attribute(wire: str, expected: str) -> None:
    assert naming.attribute(wire) == expected


@pytest.mark.parametrize(("wire", "expected"), ARGUMENT)
def test_argument(wire: str, expected: str) -> None:
    assert naming.argument(wire) == expected


@pytest.mark.parametrize(("wire", "expected"), METHOD)
def test_method(wire: str, expected: str) -> None:
    assert naming.method(wire) == expected


@pytest.mark.parametrize(("wire", "expected"), CLASS_NAME)
def test_class_name(wire: str, expected: str) -> None:
    assert naming.class_name(wire) == expected


@pytest.mark.parametrize(("value", "expected"), ENUM_MEMBER, ids=repr)
def test_enum_member(value: object, expected: str) -> None:
    assert naming.enum_member(value) == expected


@pytest.mark.parametrize(("wire", "expected"), MODULE)
def test_module(wire: str, expected: str) -> None:
    assert naming.module(wire) == expected


HOSTILE = sorted(
    {w for table in (SNAKE, PASCAL, ATTRIBUTE, ARGUMENT, METHOD, CLASS_NAME) for w, _ in table}
    | {"日本", "-", "99", "__", "None", "True", "False", "match", "_", "a\nb", "'\"", "🎉"}
)


@pytest.mark.parametrize("wire", HOSTILE, ids=repr)
@pytest.mark.parametrize(
    "make",
    [
        naming.attribute,
        naming.argument,
        naming.method,
        naming.class_name,
        naming.module,
        naming.enum_member,
    ],
    ids=lambda f: f.__name__,
)
def test_every_name_is_a_usable_identifier(make: object, wire: str) -> None:
    name = make(wire)  # type: ignore[operator]
    assert name.isidentifier() and name.isascii(), name
    assert not keyword.iskeyword(name), name
    assert name not in ("_", "None", "True", "False"), name


# ---------------------------------------------------------------------------------------------- Scope


def test_scope_dedupes_with_numbers_and_records_renames() -> None:
    scope = naming.Scope()
    assert [
        scope.claim("call_sid", "callSid"),
        scope.claim("call_sid", "CallSid"),
        scope.claim("call_sid", "call-sid"),
    ] == ["call_sid", "call_sid_2", "call_sid_3"]
    assert scope.renames == [("CallSid", "call_sid_2"), ("call-sid", "call_sid_3")]
    assert scope.taken == {"call_sid", "call_sid_2", "call_sid_3"}


def test_scope_rename_without_wire_records_the_name() -> None:
    scope = naming.Scope()
    scope.claim("body")
    assert scope.claim("body") == "body_2"
    assert scope.renames == [("body", "body_2")]


def test_scope_distinct_names_are_not_renamed() -> None:
    scope = naming.Scope()
    assert [scope.claim("a"), scope.claim("b"), scope.claim("a_2")] == ["a", "b", "a_2"]
    assert scope.claim("a") == "a_3"  # a_2 is taken by a real name
    assert scope.renames == [("a", "a_3")]


def test_scope_does_not_double_the_escape_underscore() -> None:
    scope = naming.Scope()
    assert scope.claim(naming.attribute("class")) == "class_"
    assert scope.claim(naming.attribute("class"), "class") == "class_2"
    assert scope.renames == [("class", "class_2")]


def test_scopes_are_independent() -> None:
    first, second = naming.Scope(), naming.Scope()
    first.claim("name")
    assert second.claim("name") == "name"
    assert second.renames == []


# ------------------------------------------------------------------------------------ scopes by kind
#
# Each scope first holds what the generator itself puts there; a spec name landing on one of those is
# escaped with `_` (then deduped) and the rename is reported.

SCOPES = [
    # scope, spec name, Python name
    (naming.method_parameters(paginated=False), "request_options", "request_options_"),
    (naming.method_parameters(paginated=False), "validate_body", "validate_body_"),
    (naming.method_parameters(paginated=False), "build_path", "build_path_"),
    (naming.method_parameters(paginated=False), "self", "self_"),
    (naming.method_parameters(paginated=False), "builtins", "builtins_"),
    (naming.method_parameters(paginated=False), "start", "start"),
    (naming.method_parameters(paginated=True), "start", "start_"),
    (naming.method_parameters(paginated=True), "direction", "direction_"),
    (naming.method_parameters(paginated=True), "max_pages", "max_pages_"),
    (naming.method_parameters(paginated=True), "list", "list"),  # annotations qualify builtins
    (naming.model_attributes(), "model_config", "model_config_"),
    (naming.model_attributes(), "datetime", "datetime_"),
    (naming.model_attributes(), "frozenset", "frozenset_"),
    (naming.model_attributes(), "discriminate", "discriminate_"),
    (naming.model_attributes(), "str", "str"),
    (naming.model_attributes(), "type", "type"),
    (naming.resource_attributes(), "with_raw_response", "with_raw_response_"),
    (naming.resource_attributes(), "get", "get"),
    (naming.client_parameters(), "timeout", "timeout_"),
    (naming.client_parameters(), "base_url", "base_url_"),
    (naming.client_parameters(), "http_client", "http_client_"),
    (naming.client_parameters(), "setting", "setting_"),
    (naming.client_parameters(), "space", "space"),
    (naming.client_attributes(), "close", "close_"),
    (naming.client_attributes(), "base_url", "base_url_"),
    (naming.client_attributes(), "httpx", "httpx_"),
    (naming.client_attributes(), "calls", "calls"),
    (naming.package_classes(), "Field", "Field_"),
    (naming.package_classes(), "NotGiven", "NotGiven_"),
    (naming.package_classes(), "SyncPager", "SyncPager_"),
    (naming.package_classes(), "TYPE_CHECKING", "TYPE_CHECKING_"),
    (naming.package_classes(), "Pet", "Pet"),
]


@pytest.mark.parametrize(("scope", "wire", "expected"), SCOPES, ids=lambda x: repr(x)[:40])
def test_scope_reserves_what_the_generator_puts_there(
    scope: naming.Scope, wire: str, expected: str
) -> None:
    assert scope.claim(wire) == expected
    assert scope.renames == ([] if wire == expected else [(wire, expected)])
    # and a second spec name of the same spelling is deduped after the escape
    again = scope.claim(wire)
    assert again != expected and again.startswith(expected.rstrip("_"))


def test_claim_all_keeps_every_variant_free() -> None:
    classes = naming.package_classes()
    classes.claim("AsyncCallsResource")  # a schema took the async variant's name
    assert classes.claim_all("CallsResource", naming.resource_class_variants) == "CallsResource_2"
    assert {"CallsResource_2", "AsyncCallsResource_2", "CallsResource_2WithRawResponse"} <= (
        classes.taken
    )


def test_claim_in_finds_a_name_free_in_every_scope() -> None:
    parameters, attributes = naming.client_parameters(), naming.client_attributes()
    attributes.claim("account_sid")  # a resource took it
    assert naming.claim_in((parameters, attributes), "account_sid") == "account_sid_2"
    assert naming.claim_in((parameters, attributes), "timeout") == "timeout_"


@pytest.mark.parametrize(
    ("package", "problem"),
    [("json", "standard library"), ("httpx", "every generated package"), ("my_api", None)],
)
def test_package_names_that_would_shadow(package: str, problem: str | None) -> None:
    found = naming.package_problem(package)
    assert (found is None) if problem is None else (problem in str(found))


def test_client_names_that_would_shadow() -> None:
    assert "SyncApiClient" in str(naming.client_problem("SyncApiClient"))
    assert "AsyncApiClient" in str(naming.client_problem("ApiClient"))
    assert naming.client_problem("VideoClient") is None


def test_long_module_names_are_capped_and_stay_distinct() -> None:
    a, b = naming.cap("x" * 300 + "a"), naming.cap("x" * 300 + "b")
    assert len(a) <= naming.MODULE_NAME_MAX and len(b) <= naming.MODULE_NAME_MAX
    assert a != b and a.isidentifier()
    assert naming.cap("short") == "short"


def test_model_reserved_list_covers_the_installed_pydantic() -> None:
    from pydantic import BaseModel

    public = {n for n in dir(BaseModel) if not n.startswith("_")}
    assert public <= naming.MODEL_ATTRIBUTES, sorted(public - naming.MODEL_ATTRIBUTES)
