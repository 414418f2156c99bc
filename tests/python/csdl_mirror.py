"""A property table mirroring the CSDL of the resource (../shared/spec/metadata/*.xml, Microsoft
Graph beta, namespace microsoft.graph), and a checker of JSON values against it.

The table is written out by hand so the conformance test runs without the XML; test_csdl.py
compares it with the XML itself whenever the spec directory is present.

Conventions, as in CSDL: a property is (EDM type, Nullable); Nullable absent in the XML means
true. For a Collection(...) the Nullable facet is about its items; the collection itself is never
null. Enum members are (name, value) in CSDL order.
"""

import datetime
import json
import re

NAMESPACE = "microsoft.graph"
ALIAS = "graph"

# -- structured types ----------------------------------------------------------------------------

ENTITY = "cloudPcExternalPartner"
AGENT_SETTING = "cloudPcExternalPartnerAgentSetting"
ACTION_RESULT = "cloudPcExternalPartnerActionResult"
ACTION_REPORT = "cloudPcExternalPartnerActionReport"

ENTITY_BASE = {
    # graph.entity, the base type: the key "id" (not repeated in the fragments).
    "id": ("Edm.String", False),
}

STRUCTURED_TYPES = {
    ENTITY: dict(ENTITY_BASE, **{
        "agentSetting": ("graph.cloudPcExternalPartnerAgentSetting", True),
        "connectionStatus": ("graph.cloudPcExternalPartnerStatus", False),
        "enableConnection": ("Edm.Boolean", False),
        "lastSyncDateTime": ("Edm.DateTimeOffset", True),
        "partnerId": ("Edm.String", False),
        "statusDetails": ("Edm.String", True),
    }),
    AGENT_SETTING: {
        "agentSha256": ("Edm.String", True),
        "agentUrl": ("Edm.String", True),
        "autoDeploymentEnabled": ("Edm.Boolean", True),
        "installParameters": ("Collection(Edm.String)", False),
    },
    ACTION_RESULT: {
        "activityId": ("Edm.String", True),
        "cloudPcId": ("Edm.String", True),
        "errorCode": ("graph.cloudPcExternalPartnerActionErrorCode", False),
        "errorMessage": ("Edm.String", True),
        "lastModifiedDateTime": ("Edm.DateTimeOffset", True),
        "startDateTime": ("Edm.DateTimeOffset", True),
        "state": ("graph.cloudPcExternalPartnerActionStatus", False),
    },
    ACTION_REPORT: {
        "actionType": ("graph.cloudPcExternalPartnerActionType", False),
        "activityId": ("Edm.String", True),
        "activityMessage": ("Edm.String", True),
        "agentName": ("Edm.String", True),
        "agentSetting": ("graph.cloudPcExternalPartnerAgentSetting", True),
        "authenticatedAppId": ("Edm.String", False),
        "authenticatedAppName": ("Edm.String", True),
        "authenticatedMethod": ("graph.cloudPcExternalPartnerAuthenticatedMethod", False),
        "authenticatedUserPrincipalName": ("Edm.String", True),
        "cloudPcId": ("Edm.String", True),
        "cloudPcName": ("Edm.String", True),
        "createdDateTime": ("Edm.DateTimeOffset", False),
    },
}

ENTITY_TYPES = {ENTITY: "graph.entity"}  # name -> BaseType
COMPLEX_TYPES = (AGENT_SETTING, ACTION_RESULT, ACTION_REPORT)

# -- enum types ----------------------------------------------------------------------------------

ENUM_TYPES = {
    "cloudPcExternalPartnerStatus": (
        ("notAvailable", 0), ("available", 1), ("healthy", 2), ("unhealthy", 3),
        ("unknownFutureValue", 999),
    ),
    "cloudPcExternalPartnerActionStatus": (
        ("created", 0), ("pending", 1), ("canceled", 2), ("running", 3), ("succeeded", 4),
        ("failed", 5), ("unknownFutureValue", 6),
    ),
    "cloudPcExternalPartnerActionErrorCode": (
        ("none", 0), ("executeActionFailed", 1), ("executeActionTimeout", 2),
        ("deviceNotFound", 3), ("deviceNotAvailable", 4), ("checkDiskSpaceFailed", 5),
        ("checkNetworkConnectionFailed", 6), ("agentNotFound", 7), ("invalidAgentFormat", 8),
        ("invalidAgentChecksum", 9), ("unknownFutureValue", 10),
    ),
    "cloudPcExternalPartnerActionType": (
        ("configureAgent", 0), ("deployAgent", 1), ("unknownFutureValue", 2),
    ),
    "cloudPcExternalPartnerAuthenticatedMethod": (
        ("gDAP", 0), ("dAP", 1), ("appOnly", 2), ("normalUser", 3), ("guestUser", 4),
        ("unknownFutureValue", 5),
    ),
}

# -- operations and navigation -------------------------------------------------------------------

# name -> (kind, bound to, {parameter: type}, return type or None)
OPERATIONS = {
    "configureAgent": (
        "Action", "graph.cloudPcExternalPartner",
        {"agentSetting": "graph.cloudPcExternalPartnerAgentSetting"}, None),
    "deployAgent": (
        "Action", "graph.cloudPcExternalPartner",
        {"cloudPcIds": "Collection(Edm.String)"}, "Edm.String"),
    "retrieveActionReports": (
        "Function", "graph.cloudPcExternalPartner",
        {}, "Collection(graph.cloudPcExternalPartnerActionReport)"),
    "retrieveDeployAgentActionResults": (
        "Function", "graph.cloudPcExternalPartner",
        {"activityId": "Edm.String", "cloudPcId": "Edm.String"},
        "Collection(graph.cloudPcExternalPartnerActionResult)"),
}

NAVIGATION = {"externalPartners": ("Collection(graph.cloudPcExternalPartner)", True)}

# Types in the same fragments that the engine never emits (the deprecated settings entity and the
# Cloud PC agent-install enums): the XML comparison knows them, the checker does not.
NOT_EMITTED = {
    "cloudPcExternalPartnerSetting",
    "cloudPcPartnerAgentInstallStatus",
    "cloudPcPartnerAgentName",
    "virtualEndpoint",
}

# -- the checker ---------------------------------------------------------------------------------

# CONTRACT §1: ISO-8601 UTC with a Z; fractional seconds only when non-zero.
DATE_TIME_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
ANNOTATIONS = {"@odata.context", "@odata.type", "@odata.count", "@odata.nextLink"}


def local_name(type_name):
    """``graph.x`` / ``microsoft.graph.x`` -> ``x``; EDM primitive names come back unchanged."""
    for prefix in (ALIAS + ".", NAMESPACE + "."):
        if type_name.startswith(prefix):
            return type_name[len(prefix):]
    return type_name


def enum_members(name):
    return [member for member, _ in ENUM_TYPES[name]]


class Violation(AssertionError):
    pass


def _fail(path, message):
    raise Violation("%s: %s" % (path, message))


def check_date_time_offset(value, path):
    if not isinstance(value, str) or not DATE_TIME_OFFSET.match(value):
        _fail(path, "Edm.DateTimeOffset must be an ISO-8601 UTC string ending in Z, got %r"
              % (value,))
    fraction = value[19:-1]
    if fraction and set(fraction[1:]) == {"0"}:
        _fail(path, "fractional seconds written although they are zero: %r" % value)
    try:
        datetime.datetime.strptime(value[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        _fail(path, "not a valid date and time: %r" % value)


def check_value(value, edm_type, nullable, path):
    """Checks one JSON value against a CSDL type with its Nullable facet."""
    if edm_type.startswith("Collection(") and edm_type.endswith(")"):
        if not isinstance(value, list):
            _fail(path, "%s must be a JSON array (never null), got %r" % (edm_type, value))
        item_type = edm_type[len("Collection("):-1]
        for index, item in enumerate(value):
            check_value(item, item_type, nullable, "%s[%d]" % (path, index))
        return
    if value is None:
        if not nullable:
            _fail(path, "null for a non-nullable %s" % edm_type)
        return
    if edm_type == "Edm.String":
        if type(value) is not str:
            _fail(path, "Edm.String must be a JSON string, got %r" % (value,))
    elif edm_type == "Edm.Boolean":
        if type(value) is not bool:
            _fail(path, "Edm.Boolean must be true or false, got %r" % (value,))
    elif edm_type == "Edm.DateTimeOffset":
        check_date_time_offset(value, path)
    else:
        name = local_name(edm_type)
        if name in ENUM_TYPES:
            if type(value) is not str or value not in enum_members(name):
                _fail(path, "%r is not a member of %s %s" % (value, name, enum_members(name)))
            if value == "unknownFutureValue":
                _fail(path, "unknownFutureValue is never produced")
        elif name in STRUCTURED_TYPES:
            check_structured(value, name, path)
        else:
            _fail(path, "type %s is not in the mirror table" % edm_type)


def check_structured(value, type_name, path, selected=None):
    """Checks an entity or complex value: every key (besides @odata.* annotations) is a property of
    ``type_name`` with a value of its type; with ``selected`` None, every property is present,
    else exactly ``id`` plus the selected ones."""
    if not isinstance(value, dict):
        _fail(path, "%s must be a JSON object, got %r" % (type_name, value))
    properties = STRUCTURED_TYPES[type_name]
    for key, item in value.items():
        if key.startswith("@"):
            if key not in ANNOTATIONS - {"@odata.count", "@odata.nextLink"}:
                _fail(path, "unexpected annotation %r on %s" % (key, type_name))
            if key == "@odata.type" and item != "#%s.%s" % (NAMESPACE, type_name):
                _fail(path, "@odata.type %r on a %s" % (item, type_name))
            continue
        if key not in properties:
            _fail(path, "%r is not a property of %s" % (key, type_name))
        edm_type, nullable = properties[key]
        check_value(item, edm_type, nullable, "%s.%s" % (path, key))
    present = {k for k in value if not k.startswith("@")}
    if selected is None:
        expected = set(properties)
    else:
        expected = set(selected) | ({"id"} if "id" in properties else set())
    if present != expected:
        _fail(path, "%s properties: missing %s, unexpected %s"
              % (type_name, sorted(expected - present), sorted(present - expected)))


def strict_json(raw):
    """Parses response bytes, refusing a key that appears twice in an object (json.loads would keep
    the last one silently)."""

    def pairs(items):
        seen = {}
        for key, item in items:
            if key in seen:
                raise Violation("duplicate key %r in the response" % key)
            seen[key] = item
        return seen

    return json.loads(raw, object_pairs_hook=pairs)
