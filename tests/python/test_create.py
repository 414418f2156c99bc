"""Create through the package: the entity the engine returns for each kind of valid request."""

import uuid

import pytest

from cpep_support import (
    GRAPH_PREFIX,
    NOW,
    OTHER_TENANT,
    PARTNERS,
    TENANT,
    cpep,
    is_uuid,
    partner_body,
    writer,
)


def test_enabled_connection_is_available(engine):
    got = engine.create_external_partner(writer(), partner_body(enable=True))
    assert got["connectionStatus"] == "available"
    assert got["statusDetails"] == "The external partner is available"
    assert got["lastSyncDateTime"] == NOW
    assert got["enableConnection"] is True


def test_disabled_connection_is_not_available(engine):
    got = engine.create_external_partner(writer(), partner_body(enable=False))
    assert got["connectionStatus"] == "notAvailable"
    assert got["statusDetails"] == "The external partner connection is disabled"
    assert got["lastSyncDateTime"] is None
    assert got["enableConnection"] is False


def test_partner_id_is_returned_lowercase(engine):
    partner = str(uuid.uuid4())
    got = engine.create_external_partner(writer(), partner_body(partner.upper()))
    assert got["partnerId"] == partner


@pytest.mark.parametrize(
    "body",
    [
        {"partnerId": None, "enableConnection": True},
        {"@odata.type": "microsoft.graph.cloudPcExternalPartner", "partnerId": None,
         "enableConnection": True},
    ],
    ids=["no @odata.type", "@odata.type without #"],
)
def test_odata_type_is_optional_and_hash_optional(engine, body):
    body = dict(body, partnerId=str(uuid.uuid4()))
    got = engine.create_external_partner(writer(), body)
    assert got["@odata.type"] == "#microsoft.graph.cloudPcExternalPartner"


@pytest.mark.parametrize(
    "caller",
    [
        cpep.app_caller(TENANT),
        cpep.app_caller(TENANT.upper()),
        cpep.app_caller(TENANT, roles=["cloudpc.readwrite.all"]),
        cpep.user_caller(TENANT),
        cpep.user_caller(TENANT, scopes=("openid", "CloudPC.ReadWrite.All", "profile")),
        {"tid": TENANT, "scp": "CloudPC.ReadWrite.All"},
        {"tid": TENANT, "roles": ["CloudPC.ReadWrite.All"]},
        '{"tid": "%s", "idtyp": "app", "roles": ["CloudPC.ReadWrite.All"]}' % TENANT,
        b'{"tid": "%s", "idtyp": "app", "roles": ["CloudPC.ReadWrite.All"]}' % TENANT.encode(),
    ],
    ids=[
        "app",
        "uppercase tid",
        "lowercase permission",
        "user",
        "user with several scopes",
        "delegated without idtyp",
        "application without idtyp",
        "caller as str",
        "caller as bytes",
    ],
)
def test_callers_allowed_to_create(engine, caller):
    assert engine.create_external_partner(caller, partner_body())["partnerId"]


@pytest.mark.parametrize(
    "body",
    [
        partner_body(),
        '{"partnerId": "%s", "enableConnection": true}' % uuid.uuid4(),
        b'{"partnerId": "%s", "enableConnection": true}' % str(uuid.uuid4()).encode(),
        bytearray(b'{"partnerId": "%s", "enableConnection": true}' % str(uuid.uuid4()).encode()),
        memoryview(b'{"partnerId": "%s", "enableConnection": false}' % str(uuid.uuid4()).encode()),
    ],
    ids=["dict", "str", "bytes", "bytearray", "memoryview"],
)
def test_body_types(engine, body):
    assert engine.request("POST", PARTNERS, writer(), body).status == 201


def test_same_partner_in_another_tenant_is_allowed(engine):
    body = partner_body()
    assert engine.create_external_partner(writer(), body)
    other = engine.create_external_partner(cpep.app_caller(OTHER_TENANT), body)
    assert other["partnerId"] == body["partnerId"]


def test_ids_are_distinct_lowercase_uuids(engine):
    ids = [engine.create_external_partner(writer(), partner_body())["id"] for _ in range(50)]
    assert all(is_uuid(i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_ids_are_random_v4_without_id_seed():
    with cpep.Engine() as engine:
        got = engine.create_external_partner(writer(), partner_body())
    assert uuid.UUID(got["id"]).version == 4


def test_ids_are_name_based_v5_with_id_seed(engine):
    got = engine.create_external_partner(writer(), partner_body())
    assert uuid.UUID(got["id"]).version == 5


def test_request_with_graph_prefix(engine):
    response = engine.request("POST", GRAPH_PREFIX + PARTNERS, writer(), partner_body())
    assert response.status == 201
    assert response.body["enableConnection"] is True


def test_response_unpacks_as_status_and_body(engine):
    status, body = engine.request("POST", PARTNERS, writer(), partner_body())
    assert status == 201
    assert body["connectionStatus"] == "available"
