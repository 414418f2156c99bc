"""Graph errors: request() returns them; create_external_partner() raises them as GraphError."""

import json
import uuid

import pytest

from cpep_support import (
    NOW,
    ONE_MIB,
    PARTNERS,
    PERSONAL_TENANT,
    TENANT,
    cpep,
    dumps,
    is_uuid,
    partner_body,
    writer,
)

P = "198d7140-80bb-4843-8cc4-811377a49a92"


def valid():
    return partner_body(P)


def padded(size):
    """A valid create body padded with trailing spaces to exactly ``size`` bytes."""
    text = dumps(partner_body())
    assert len(text) <= size
    return text + b" " * (size - len(text))


# (id, caller, body, status, error.code, innerError.code or None for "any", text in message)
CASES = [
    ("invalid json", writer(), b'{"partnerId": ', 400, "badRequest", "invalidJson", None),
    ("not an object", writer(), b"[1, 2]", 400, "badRequest", None, None),
    ("empty body", writer(), b"", 400, "badRequest", None, None),
    ("no body", writer(), None, 400, "badRequest", None, None),
    (
        "unknown property",
        writer(),
        dumps(dict(valid(), displayName="x")),
        400,
        "badRequest",
        "unknownProperty",
        "The property 'displayName' does not exist on type "
        "'microsoft.graph.cloudPcExternalPartner'.",
    ),
    ("read-only id", writer(), dumps(dict(valid(), id=str(uuid.uuid4()))), 400, "badRequest",
     None, "'id'"),
    ("read-only connectionStatus", writer(), dumps(dict(valid(), connectionStatus="healthy")),
     400, "badRequest", None, "connectionStatus"),
    ("read-only statusDetails", writer(), dumps(dict(valid(), statusDetails="x")), 400,
     "badRequest", None, "statusDetails"),
    ("read-only lastSyncDateTime", writer(), dumps(dict(valid(), lastSyncDateTime=NOW)), 400,
     "badRequest", None, "lastSyncDateTime"),
    ("read-only agentSetting", writer(), dumps(dict(valid(), agentSetting=None)), 400,
     "badRequest", None, "agentSetting"),
    ("wrong @odata.type", writer(),
     dumps(dict(valid(), **{"@odata.type": "#microsoft.graph.user"})),
     400, "badRequest", None, None),
    ("missing partnerId", writer(), b'{"enableConnection": true}', 400, "badRequest", None,
     "partnerId"),
    ("null partnerId", writer(), b'{"partnerId": null, "enableConnection": true}', 400,
     "badRequest", None, "partnerId"),
    ("numeric partnerId", writer(), b'{"partnerId": 5, "enableConnection": true}', 400,
     "badRequest", None, "partnerId"),
    ("partnerId not a GUID", writer(), b'{"partnerId": "abc", "enableConnection": true}', 400,
     "badRequest", None, "partnerId"),
    ("missing enableConnection", writer(), dumps({"partnerId": P}), 400, "badRequest", None,
     "enableConnection"),
    ("null enableConnection", writer(), dumps({"partnerId": P, "enableConnection": None}), 400,
     "badRequest", None, "enableConnection"),
    ("string enableConnection", writer(), dumps({"partnerId": P, "enableConnection": "true"}), 400,
     "badRequest", None, "enableConnection"),
    ("numeric enableConnection", writer(), dumps({"partnerId": P, "enableConnection": 1}), 400,
     "badRequest", None, "enableConnection"),
    ("duplicate key",
     writer(),
     b'{"partnerId": "%s", "partnerId": "%s", "enableConnection": true}'
     % (P.encode(), str(uuid.uuid4()).encode()),
     400, "badRequest", None, None),
    ("no caller", None, dumps(valid()), 401, "InvalidAuthenticationToken", None, None),
    ("empty caller", "", dumps(valid()), 401, "InvalidAuthenticationToken", None, None),
    ("caller not JSON", "tid=x", dumps(valid()), 401, "InvalidAuthenticationToken", None, None),
    ("caller not an object", "[]", dumps(valid()), 401, "InvalidAuthenticationToken", None, None),
    ("caller without tid", {"idtyp": "app", "roles": ["CloudPC.ReadWrite.All"]}, dumps(valid()),
     401, "InvalidAuthenticationToken", None, None),
    ("tid not a GUID", cpep.app_caller("contoso"), dumps(valid()), 401,
     "InvalidAuthenticationToken", None, None),
    ("personal account", cpep.app_caller(PERSONAL_TENANT), dumps(valid()), 403, "forbidden",
     "personalAccountNotSupported", None),
    ("personal account, user", cpep.user_caller(PERSONAL_TENANT.upper()), dumps(valid()), 403,
     "forbidden", "personalAccountNotSupported", None),
    ("read permission only, app", cpep.app_caller(TENANT, roles=["CloudPC.Read.All"]),
     dumps(valid()), 403, "forbidden", "missingPermission", None),
    ("read permission only, user", cpep.user_caller(TENANT, scopes=["CloudPC.Read.All"]),
     dumps(valid()), 403, "forbidden", "missingPermission", None),
    ("partner permission does not grant create",
     cpep.app_caller(TENANT, roles=["CloudPC.PartnerReadWrite.All"]), dumps(valid()), 403,
     "forbidden", "missingPermission", None),
    ("roles of a delegated caller are ignored",
     cpep.user_caller(TENANT, scopes=["openid"], roles=["CloudPC.ReadWrite.All"]), dumps(valid()),
     403, "forbidden", "missingPermission", None),
    ("no permission at all", {"tid": TENANT}, dumps(valid()), 403, "forbidden", None, None),
    ("permission checked before the body", cpep.app_caller(TENANT, roles=[]), b"{not json", 403,
     "forbidden", None, None),
    ("caller checked before the body", None, b"{not json", 401, "InvalidAuthenticationToken",
     None, None),
    ("body larger than 1 MiB", writer(), padded(ONE_MIB + 1), 413, "requestEntityTooLarge", None,
     None),
    ("caller checked before the size", None, padded(ONE_MIB + 1), 401,
     "InvalidAuthenticationToken", None, None),
]


def check_error_body(body, code, inner_code, text):
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    if text is not None:
        assert text in error["message"]
    inner = error["innerError"]
    if inner_code is not None:
        assert inner["code"] == inner_code
    assert is_uuid(inner["request-id"])
    assert inner["date"].startswith("2020-11-03T12:43:14")
    assert "client-request-id" not in inner


@pytest.mark.parametrize(
    "caller, body, status, code, inner_code, text",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_request_returns_graph_errors(engine, caller, body, status, code, inner_code, text):
    response = engine.request("POST", PARTNERS, caller, body)
    assert response.status == status, response.body
    assert not response.ok
    check_error_body(response.body, code, inner_code, text)


@pytest.mark.parametrize(
    "caller, body, status, code, inner_code, text",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_create_raises_graph_error(engine, caller, body, status, code, inner_code, text):
    with pytest.raises(cpep.GraphError) as caught:
        engine.create_external_partner(caller, body)
    error = caught.value
    assert error.status == status
    assert error.code == code
    assert error.message == error.body["error"]["message"]
    assert error.inner_code == error.body["error"]["innerError"].get("code")
    assert error.request_id == error.body["error"]["innerError"]["request-id"]
    check_error_body(error.body, code, inner_code, text)
    assert str(status) in str(error) and code in str(error)


def test_duplicate_partner_is_a_conflict(engine):
    engine.create_external_partner(writer(), valid())
    response = engine.request("POST", PARTNERS, writer(), valid())
    assert response.status == 409
    check_error_body(response.body, "conflict", "partnerAlreadyExists", None)
    with pytest.raises(cpep.GraphError) as caught:
        engine.create_external_partner(writer(), partner_body(P.upper(), enable=False))
    assert (caught.value.status, caught.value.code, caught.value.inner_code) == (
        409, "conflict", "partnerAlreadyExists")


def test_a_failed_create_leaves_nothing_behind(engine):
    assert engine.request("POST", PARTNERS, writer(), dict(valid(), bogus=1)).status == 400
    assert engine.create_external_partner(writer(), valid())["partnerId"] == P


def test_body_of_exactly_one_mib_is_accepted(engine):
    body = padded(ONE_MIB)
    assert len(body) == ONE_MIB
    assert engine.request("POST", PARTNERS, writer(), body).status == 201


def test_request_ids_differ(engine):
    first = engine.request("POST", PARTNERS, None, b"")
    second = engine.request("POST", PARTNERS, None, b"")
    ids = {r.body["error"]["innerError"]["request-id"] for r in (first, second)}
    assert len(ids) == 2


@pytest.mark.parametrize(
    "method, url, status, code",
    [
        ("POST", "/deviceManagement/virtualEndpoint/nothingHere", 404, "notFound"),
        ("POST", "/", 404, "notFound"),
        ("POST", "", 404, "notFound"),
        ("POST", "https://graph.microsoft.com/v1.0" + PARTNERS, 404, "notFound"),
        ("PUT", PARTNERS, 405, "methodNotAllowed"),
        ("DELETE", PARTNERS, 405, "methodNotAllowed"),
        ("PATCH", PARTNERS, 405, "methodNotAllowed"),
    ],
)
def test_routes(engine, method, url, status, code):
    response = engine.request(method, url, writer(), partner_body())
    assert response.status == status
    assert response.body["error"]["code"] == code


def test_unknown_path_answers_before_the_caller(engine):
    response = engine.request("POST", "/nothing/here", None, b"")
    assert response.status == 404


def test_graph_error_from_an_unexpected_body():
    error = cpep.GraphError.from_response(500, {"unexpected": True})
    assert (error.status, error.code, error.inner_code, error.message) == (500, None, None, None)
    assert error.request_id is None


def test_raise_for_status():
    ok = cpep.Response(201, {"id": "x"})
    assert ok.raise_for_status() is ok
    body = {"error": {"code": "conflict", "message": "m", "innerError": {"code": "c"}}}
    with pytest.raises(cpep.GraphError) as caught:
        cpep.Response(409, body).raise_for_status()
    error = caught.value
    assert (error.code, error.inner_code, error.message) == ("conflict", "c", "m")
    assert json.dumps(caught.value.body) == json.dumps(body)


def nested(levels):
    """A create body nested ``levels`` deep (the body object itself is level 1)."""
    inner = levels - 1
    return b'{"partnerId":"%s","enableConnection":true,"x":%s}' % (
        str(uuid.uuid4()).encode(), b"[" * inner + b"]" * inner)


def test_nesting_up_to_64_levels_is_parsed(engine):
    # 64 levels is still JSON the engine reads: it gets as far as naming the unknown property.
    error = engine.request("POST", PARTNERS, writer(), nested(64)).body["error"]
    assert error["innerError"]["code"] == "unknownProperty"
    assert "'x'" in error["message"]


@pytest.mark.parametrize("levels", [65, 1000, 500000])
def test_nesting_deeper_than_64_levels_is_invalid_json(engine, levels):
    response = engine.request("POST", PARTNERS, writer(), nested(levels))
    assert response.status == 400
    assert response.body["error"]["innerError"]["code"] == "invalidJson"


# CONTRACT §3 checks the body in a fixed order; the first failing check names the problem.
ORDER = [
    ("@odata.type before unknown properties",
     {"@odata.type": "#microsoft.graph.user", "zzz": 1, "enableConnection": True},
     "invalidODataType", "microsoft.graph.user"),
    ("unknown properties before read-only ones",
     {"id": "x", "zzz": 1, "partnerId": P, "enableConnection": True},
     "unknownProperty", "'zzz'"),
    ("read-only properties before missing ones", {"connectionStatus": "available"},
     None, "connectionStatus"),
    ("syntax before everything", b'{"zzz": 1, "zzz": 2}', "invalidJson", None),
]


@pytest.mark.parametrize("body, inner_code, text", [o[1:] for o in ORDER],
                         ids=[o[0] for o in ORDER])
def test_body_checks_run_in_the_documented_order(engine, body, inner_code, text):
    response = engine.request("POST", PARTNERS, writer(), body)
    assert response.status == 400
    check_error_body(response.body, "badRequest", inner_code, text)


def test_personal_account_wins_over_missing_permission(engine):
    caller = cpep.app_caller(PERSONAL_TENANT, roles=[])
    response = engine.request("POST", PARTNERS, caller, valid())
    assert response.status == 403
    assert response.body["error"]["innerError"]["code"] == "personalAccountNotSupported"


def test_wrong_method_wins_over_the_caller(engine):
    assert engine.request("PUT", PARTNERS, None, b"{").status == 405
