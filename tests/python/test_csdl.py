"""CSDL conformance (issue 3): every entity and complex value the engine emits has exactly the
property names, JSON types and enum members of the CSDL.

- The mirror table (csdl_mirror.py) is compared with the XML in <spec>/metadata/*.xml when that
  directory is present ($CPEP_SHARED_SPEC, set by CMake, else <repo>/../shared/spec); only that
  comparison is skipped without it.
- Every kind of response is driven through the engine (create, get, get/list with $select, list
  pages with $count and nextLinks, PATCH, deployAgent's value, action results in every state the
  clock produces, reports of both action types, 204s and error bodies) and checked against the
  table: no key that is not a property of the type (besides @odata.* annotations), every property
  on full representations, JSON types per EDM type, non-nullable never null, enum values members
  of their enum and never unknownFutureValue, no key twice.
"""

import collections
import os
import pathlib
import re
import xml.etree.ElementTree as ElementTree

import pytest

import csdl_mirror as csdl
from cpep_support import (
    AGENT_SETTING,
    APP_ID,
    HEARTBEAT,
    ONE_MIB,
    OTHER_TENANT,
    PARTNERS,
    PERSONAL_TENANT,
    REPO,
    TENANT,
    cpep,
    global_admin,
    instant,
    is_uuid,
    new_guid,
    partner_body,
    reader,
    w365_admin,
    writer,
)

METADATA_CONTEXT = "https://graph.microsoft.com/beta/$metadata#"
COLLECTION_CONTEXT = METADATA_CONTEXT + "deviceManagement/virtualEndpoint/externalPartners"


# -- the mirror table against the XML -----------------------------------------------------------

def spec_dir():
    """The shared spec directory holding metadata/, or None."""
    candidates = []
    if os.environ.get("CPEP_SHARED_SPEC"):
        candidates.append(pathlib.Path(os.environ["CPEP_SHARED_SPEC"]))
    candidates.append(REPO.parent / "shared" / "spec")
    for candidate in candidates:
        if (candidate / "metadata" / "csdl-entitytypes-cloudPcExternalPartner.xml").is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def xml_schema():
    """Every element of the metadata fragments, parsed (each file is a fragment: a comment and
    sibling elements, so it is wrapped in one root first)."""
    spec = spec_dir()
    if spec is None:
        pytest.skip("the shared spec (metadata/*.xml) is not present: set CPEP_SHARED_SPEC")
    elements = []
    for path in sorted((spec / "metadata").glob("*.xml")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
        root = ElementTree.fromstring("<fragment>%s</fragment>" % text)
        elements.extend(root)
    assert elements
    return elements


def test_spec_dir_honours_cpep_shared_spec(tmp_path, monkeypatch):
    (tmp_path / "metadata").mkdir()
    (tmp_path / "metadata" / "csdl-entitytypes-cloudPcExternalPartner.xml").write_text("")
    monkeypatch.setenv("CPEP_SHARED_SPEC", str(tmp_path))
    assert spec_dir() == tmp_path
    monkeypatch.setenv("CPEP_SHARED_SPEC", str(tmp_path / "absent"))
    fallback = REPO.parent / "shared" / "spec"
    expected = fallback if (fallback / "metadata").is_dir() else None
    assert spec_dir() == expected


def nullable(element):
    value = element.get("Nullable", "true")
    assert value in ("true", "false"), value
    return value == "true"


def xml_properties(element):
    return {p.get("Name"): (p.get("Type"), nullable(p)) for p in element.findall("Property")}


def by_tag(elements, tag):
    found = {}
    for element in elements:
        if element.tag == tag:
            name = element.get("Name")
            assert name not in found, "%s %s appears twice in the fragments" % (tag, name)
            found[name] = element
    return found


def test_xml_entity_types_equal_the_mirror(xml_schema):
    entities = by_tag(xml_schema, "EntityType")
    assert set(entities) - csdl.NOT_EMITTED == set(csdl.ENTITY_TYPES)
    for name, base in csdl.ENTITY_TYPES.items():
        element = entities[name]
        assert element.get("BaseType") == base
        assert element.findall("NavigationProperty") == []
        # The key "id" comes from graph.entity (README of the metadata directory).
        expected = dict(csdl.STRUCTURED_TYPES[name])
        for key in csdl.ENTITY_BASE:
            assert expected.pop(key) == csdl.ENTITY_BASE[key]
        assert xml_properties(element) == expected


def test_xml_complex_types_equal_the_mirror(xml_schema):
    complexes = by_tag(xml_schema, "ComplexType")
    assert set(complexes) - csdl.NOT_EMITTED == set(csdl.COMPLEX_TYPES)
    for name in csdl.COMPLEX_TYPES:
        assert complexes[name].get("BaseType") is None
        assert xml_properties(complexes[name]) == csdl.STRUCTURED_TYPES[name], name


def test_xml_enum_types_equal_the_mirror(xml_schema):
    enums = by_tag(xml_schema, "EnumType")
    assert set(enums) - csdl.NOT_EMITTED == set(csdl.ENUM_TYPES)
    for name, members in csdl.ENUM_TYPES.items():
        assert enums[name].get("IsFlags") in (None, "false")
        got = tuple((m.get("Name"), int(m.get("Value"))) for m in enums[name].findall("Member"))
        assert got == members, name


def test_xml_operations_equal_the_mirror(xml_schema):
    operations = dict(by_tag(xml_schema, "Action"), **by_tag(xml_schema, "Function"))
    assert set(operations) == set(csdl.OPERATIONS)
    for name, (kind, bound_to, parameters, returns) in csdl.OPERATIONS.items():
        element = operations[name]
        assert element.tag == kind, name
        assert element.get("IsBound") == "true", name
        params = [(p.get("Name"), p.get("Type")) for p in element.findall("Parameter")]
        assert params[0] == ("bindingParameter", bound_to), name
        assert dict(params[1:]) == parameters, name
        return_type = element.find("ReturnType")
        assert (None if return_type is None else return_type.get("Type")) == returns, name


def test_xml_navigation_equals_the_mirror(xml_schema):
    [virtual_endpoint] = [e for e in xml_schema
                          if e.tag == "EntityType" and e.get("Name") == "virtualEndpoint"]
    navigation = {n.get("Name"): (n.get("Type"), n.get("ContainsTarget") == "true")
                  for n in virtual_endpoint.findall("NavigationProperty")}
    for name, expected in csdl.NAVIGATION.items():
        assert navigation[name] == expected


def test_mirror_table_is_self_consistent():
    """Every type a property or operation names is in the table, so the checker never meets a
    type it cannot check."""
    known = set(csdl.STRUCTURED_TYPES) | set(csdl.ENUM_TYPES)
    named = [t for props in csdl.STRUCTURED_TYPES.values() for t, _ in props.values()]
    for _, bound, params, returns in csdl.OPERATIONS.values():
        named += [bound, *params.values()] + ([returns] if returns else [])
    for type_name in named:
        inner = type_name[len("Collection("):-1] if type_name.startswith("Collection(") \
            else type_name
        assert inner.startswith("Edm.") or csdl.local_name(inner) in known, type_name
    for members in csdl.ENUM_TYPES.values():
        assert members[-1][0] == "unknownFutureValue"
        assert len({name for name, _ in members}) == len(members)


# -- the checker catches what it should ----------------------------------------------------------

GOOD_RESULT = {"activityId": "a", "cloudPcId": "c", "errorCode": "none", "errorMessage": None,
               "lastModifiedDateTime": "2020-11-03T12:43:14Z",
               "startDateTime": "2020-11-03T12:43:14.5Z", "state": "running"}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"extra": 1}, "'extra' is not a property"),
        ({"state": None}, "null for a non-nullable"),
        ({"state": "unknownFutureValue"}, "never produced"),
        ({"state": "Running"}, "not a member"),
        ({"state": 3}, "not a member"),
        ({"errorMessage": 5}, "Edm.String"),
        ({"startDateTime": "2020-11-03T12:43:14"}, "ending in Z"),
        ({"startDateTime": "2020-11-03T12:43:14+00:00"}, "ending in Z"),
        ({"startDateTime": "2020-11-03T12:43:14.000Z"}, "zero"),
        ({"startDateTime": "2020-13-03T12:43:14Z"}, "valid date"),
    ],
)
def test_checker_refuses(change, message):
    csdl.check_structured(GOOD_RESULT, csdl.ACTION_RESULT, "$")
    with pytest.raises(csdl.Violation, match=re.escape(message)):
        csdl.check_structured(dict(GOOD_RESULT, **change), csdl.ACTION_RESULT, "$")


def test_checker_refuses_missing_properties_and_bad_nested_values():
    partial = dict(GOOD_RESULT)
    del partial["errorCode"]
    with pytest.raises(csdl.Violation, match="missing \\['errorCode'\\]"):
        csdl.check_structured(partial, csdl.ACTION_RESULT, "$")
    setting = {"agentSha256": None, "agentUrl": None, "autoDeploymentEnabled": None,
               "installParameters": []}
    csdl.check_structured(setting, csdl.AGENT_SETTING, "$")
    for bad in ({"installParameters": None}, {"installParameters": [None]},
                {"installParameters": "x"}, {"autoDeploymentEnabled": 0}):
        with pytest.raises(csdl.Violation):
            csdl.check_structured(dict(setting, **bad), csdl.AGENT_SETTING, "$")
    with pytest.raises(csdl.Violation, match="duplicate key"):
        csdl.strict_json(b'{"a": 1, "a": 2}')


# -- every kind of response ----------------------------------------------------------------------

Sample = collections.namedtuple("Sample", "response kind selected")

ERROR_CODES = {400: "badRequest", 401: "InvalidAuthenticationToken", 403: "forbidden",
               404: "notFound", 405: "methodNotAllowed", 409: "conflict",
               413: "requestEntityTooLarge", 500: "internalServerError",
               503: "serviceUnavailable", 507: "insufficientStorage"}
INNER_ERROR_KEYS = {"code", "date", "request-id", "client-request-id"}
INNER_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")

PROPERTIES = sorted(csdl.STRUCTURED_TYPES[csdl.ENTITY])
FULL_SETTING = {
    "agentUrl": "https://partner.example/agents/setup.msi",
    "agentSha256": "AB" * 32,
    "installParameters": ["/p paramValue", "/quiet"],
    "autoDeploymentEnabled": True,
}

LABELS = (
    ["create 201 enabled", "create 201 disabled", "get available", "get notAvailable",
     "get healthy", "get unhealthy", "get with agentSetting", "get with minimal agentSetting"]
    + ["get $select=%s" % p for p in PROPERTIES]
    + ["get $select all", "get $select several", "list pages", "list $count", "list filtered",
       "list empty", "list of another tenant"]
    + ["list $select=%s" % p for p in PROPERTIES]
    + ["patch disable", "patch enable", "patch unchanged", "deployAgent value",
       "results created", "results pending", "results running", "results succeeded",
       "results pages", "results filtered", "results empty", "reports configure and deploy",
       "reports guest and app-less", "reports empty", "no content",
       "error 400", "error 401", "error 403", "error 404", "error 405", "error 409",
       "error 413", "fractional instants"]
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """label -> [Sample]: every kind of response, from a file database whose clock is moved by
    reopening it with a later `now`."""
    db = str(tmp_path_factory.mktemp("csdl") / "csdl.db")
    samples = collections.defaultdict(list)

    def add(label, response, kind, status, selected=None):
        assert response.status == status, (label, response.status, response.body)
        samples[label].append(Sample(response, kind, selected))
        return response.body

    def results_url(partner, activity="", cloud_pc=""):
        return "%s/%s/retrieveDeployAgentActionResults(activityId='%s',cloudPcId='%s')" % (
            PARTNERS, partner["id"], activity, cloud_pc)

    def pages(engine, label, url, kind, caller=reader(), selected=None):
        while url:
            url = add(label, engine.request("GET", url, caller), kind, 200,
                      selected).get("@odata.nextLink")

    def at(seconds):
        return cpep.Engine(db, now=instant(seconds), idSeed="csdl", durability="normal")

    with at(0) as engine:
        post = lambda body, caller=writer(): engine.request("POST", PARTNERS, caller, body)  # noqa
        get = lambda partner, query="": engine.request(  # noqa: E731
            "GET", "%s/%s%s" % (PARTNERS, partner["id"], query), reader())

        enabled = add("create 201 enabled", post(partner_body(enable=True)), "entity", 201)
        disabled = add("create 201 disabled", post(partner_body(enable=False)), "entity", 201)
        beating = add("create 201 enabled", post(partner_body()), "entity", 201)
        add("create 201 enabled", post(partner_body(), cpep.user_caller(TENANT)), "entity", 201)
        engine.heartbeat(cpep.partner_caller(TENANT), beating["partnerId"])
        add("get available", get(enabled), "entity", 200)
        add("get notAvailable", get(disabled), "entity", 200)
        add("get healthy", get(beating), "entity", 200)

        engine.configure_agent(global_admin(), enabled["id"], FULL_SETTING)
        engine.configure_agent(global_admin(), disabled["id"], AGENT_SETTING)
        add("get with agentSetting", get(enabled), "entity", 200)
        add("get with minimal agentSetting", get(disabled), "entity", 200)
        for prop in PROPERTIES:
            for partner in (enabled, disabled, beating):
                add("get $select=%s" % prop, get(partner, "?$select=" + prop), "entity", 200,
                    [prop])
        add("get $select all", get(enabled, "?$select=" + ",".join(PROPERTIES)), "entity", 200,
            PROPERTIES)
        add("get $select several", get(disabled, "?$select=lastSyncDateTime,agentSetting"),
            "entity", 200, ["lastSyncDateTime", "agentSetting"])

        for _ in range(110):
            engine.create_external_partner(writer(), partner_body(enable=False))
        pages(engine, "list pages", PARTNERS, "collection")
        pages(engine, "list $count", PARTNERS + "?$count=true&$top=150&$skip=1", "collection")
        pages(engine, "list filtered", PARTNERS + "?$filter=enableConnection eq true and "
              "partnerId eq '%s'" % beating["partnerId"], "collection")
        pages(engine, "list empty", PARTNERS + "?$filter=partnerId eq '%s'" % new_guid(),
              "collection")
        pages(engine, "list of another tenant", PARTNERS + "?$count=true", "collection",
              cpep.app_caller(OTHER_TENANT))
        for prop in PROPERTIES:
            pages(engine, "list $select=%s" % prop, PARTNERS + "?$top=101&$select=" + prop,
                  "collection", selected=[prop])

        patch = lambda partner, value, caller=writer(): engine.request(  # noqa: E731
            "PATCH", "%s/%s" % (PARTNERS, partner["id"]), caller, {"enableConnection": value})
        add("patch disable", patch(beating, False), "entity", 200)
        add("patch enable", patch(beating, True), "entity", 200)
        add("patch unchanged", patch(beating, True, cpep.user_caller(TENANT)), "entity", 200)
        add("patch disable", patch(enabled, False), "entity", 200)
        add("patch enable", patch(enabled, True), "entity", 200)
        engine.heartbeat(cpep.partner_caller(TENANT), beating["partnerId"])

        deploy = lambda partner, ids, caller=global_admin(): engine.request(  # noqa: E731
            "POST", "%s/%s/deployAgent" % (PARTNERS, partner["id"]), caller, {"cloudPcIds": ids})
        pcs = [new_guid() for _ in range(120)]
        activities = []
        for start, caller in ((0, global_admin()), (50, w365_admin(upn="w@contoso.com")),
                              (100, global_admin())):
            body = add("deployAgent value", deploy(enabled, pcs[start:start + 50], caller),
                       "deploy", 200)
            activities.append(body["value"])
        pages(engine, "results created", results_url(enabled), "results")
        pages(engine, "results pages", results_url(enabled), "results")
        pages(engine, "results filtered", results_url(enabled, activities[1]), "results")
        pages(engine, "results filtered", results_url(enabled, "", pcs[7]), "results")
        pages(engine, "results filtered", results_url(enabled, activities[0], pcs[7]), "results")
        pages(engine, "results empty", results_url(disabled), "results")

        guest = cpep.user_caller(TENANT, wids=[cpep.GLOBAL_ADMINISTRATOR], acct=1)
        engine.configure_agent(guest, beating["id"], AGENT_SETTING)
        engine.deploy_agent(w365_admin(), beating["id"], [new_guid()])
        pages(engine, "reports configure and deploy",
              "%s/%s/retrieveActionReports" % (PARTNERS, enabled["id"]), "reports")
        pages(engine, "reports guest and app-less",
              "%s/%s/retrieveActionReports" % (PARTNERS, beating["id"]), "reports")
        plain = engine.create_external_partner(writer(), partner_body())
        pages(engine, "reports empty",
              "%s/%s/retrieveActionReports" % (PARTNERS, plain["id"]), "reports")

        add("no content", engine.request("POST", HEARTBEAT, cpep.partner_caller(TENANT),
                                         {"partnerId": plain["partnerId"]}), "none", 204)
        add("no content", engine.request(
            "POST", "%s/%s/configureAgent" % (PARTNERS, plain["id"]), global_admin(),
            {"agentSetting": AGENT_SETTING}), "none", 204)
        add("no content", engine.request("DELETE", "%s/%s" % (PARTNERS, plain["id"]), writer()),
            "none", 204)

        e = lambda status, *request: add(  # noqa: E731
            "error %d" % status, engine.request(*request), "error", status)
        e(400, "POST", PARTNERS, writer(), b'{"partnerId": ')
        e(400, "POST", PARTNERS, writer(), dict(partner_body(), bogus=1))
        e(400, "GET", PARTNERS + "?$bogus=1", reader())
        e(400, "GET", PARTNERS + "?$select=bogus", reader())
        e(400, "PATCH", "%s/%s" % (PARTNERS, enabled["id"]), writer(), {"partnerId": new_guid()})
        e(400, "POST", "%s/%s/deployAgent" % (PARTNERS, enabled["id"]), global_admin(),
          {"cloudPcIds": []})
        e(400, "POST", HEARTBEAT, cpep.partner_caller(TENANT), {"partnerId": "x"})
        e(401, "GET", PARTNERS, None)
        e(401, "GET", PARTNERS, {"tid": "not-a-guid", "idtyp": "app", "roles": [cpep.READ]})
        e(403, "GET", PARTNERS, cpep.app_caller(PERSONAL_TENANT))
        e(403, "GET", PARTNERS, cpep.app_caller(TENANT, roles=["User.Read.All"]))
        e(403, "POST", "%s/%s/configureAgent" % (PARTNERS, enabled["id"]), writer(),
          {"agentSetting": AGENT_SETTING})
        e(403, "POST", "%s/%s/configureAgent" % (PARTNERS, enabled["id"]),
          cpep.user_caller(TENANT), {"agentSetting": AGENT_SETTING})
        e(403, "POST", HEARTBEAT, writer(), {"partnerId": enabled["partnerId"]})
        e(404, "GET", "%s/%s" % (PARTNERS, new_guid()), reader())
        e(404, "GET", "%s/%s" % (PARTNERS, enabled["id"]), cpep.app_caller(OTHER_TENANT))
        e(404, "GET", "/deviceManagement/virtualEndpoint/nothingHere", reader())
        e(404, "POST", HEARTBEAT, cpep.partner_caller(TENANT), {"partnerId": new_guid()})
        e(405, "PUT", "%s/%s" % (PARTNERS, enabled["id"]), writer(), {})
        e(405, "DELETE", PARTNERS, writer())
        e(409, "POST", PARTNERS, writer(), partner_body(enabled["partnerId"]))
        e(409, "POST", HEARTBEAT, cpep.partner_caller(TENANT),
          {"partnerId": disabled["partnerId"]})
        e(409, "POST", "%s/%s/deployAgent" % (PARTNERS, disabled["id"]), global_admin(),
          {"cloudPcIds": [new_guid()]})
        unconfigured = engine.create_external_partner(writer(), partner_body())
        e(409, "POST", "%s/%s/deployAgent" % (PARTNERS, unconfigured["id"]), global_admin(),
          {"cloudPcIds": [new_guid()]})
        e(413, "POST", PARTNERS, writer(), b" " * (ONE_MIB + 1))

    for seconds, state in ((10, "pending"), (30, "running"), (1000, "succeeded")):
        with at(seconds) as engine:
            pages(engine, "results " + state, results_url(enabled), "results")
            if seconds == 1000:
                add("get unhealthy", engine.request("GET", "%s/%s" % (PARTNERS, beating["id"]),
                                                    reader()), "entity", 200)

    # Instants with fractional seconds (CONTRACT §1: written only when non-zero).
    with at(2000.25) as engine:
        odd = add("fractional instants", engine.request("POST", PARTNERS, writer(),
                                                        partner_body()), "entity", 201)
        engine.configure_agent(global_admin(), odd["id"], AGENT_SETTING)
        engine.deploy_agent(global_admin(), odd["id"], [new_guid()])
        pages(engine, "fractional instants", results_url(odd), "results")
        engine.heartbeat(cpep.partner_caller(TENANT), odd["partnerId"])
    with at(2011.5) as engine:
        add("fractional instants", engine.request("GET", "%s/%s" % (PARTNERS, odd["id"]),
                                                  reader()), "entity", 200)
        pages(engine, "fractional instants", results_url(odd), "results")
        pages(engine, "fractional instants",
              "%s/%s/retrieveActionReports" % (PARTNERS, odd["id"]), "reports")
    return dict(samples)


def check_sample(sample):
    response, kind, selected = sample
    if kind == "none":
        assert response.raw is None and response.body is None
        return
    body = csdl.strict_json(response.raw)
    assert body == response.body
    assert isinstance(body, dict)
    if kind == "error":
        check_error(body, response.status)
        return
    context = body.get("@odata.context")
    assert isinstance(context, str) and context.startswith(METADATA_CONTEXT), context
    if kind == "entity":
        assert context.startswith(COLLECTION_CONTEXT) and context.endswith("/$entity"), context
        assert body.get("@odata.type") == "#microsoft.graph.cloudPcExternalPartner"
        csdl.check_structured(body, csdl.ENTITY, "$", selected)
        return
    if kind == "deploy":
        assert set(body) == {"@odata.context", "value"}
        assert context == METADATA_CONTEXT + "Edm.String"
        # deployAgent's ReturnType is Edm.String (the activityId).
        csdl.check_value(body["value"], "Edm.String", False, "$.value")
        assert is_uuid(body["value"])
        return
    allowed = {"@odata.context", "@odata.nextLink", "value"}
    if kind == "collection":
        allowed.add("@odata.count")
        assert context.startswith(COLLECTION_CONTEXT) and not context.endswith("/$entity")
        item_type = csdl.ENTITY
    else:
        item_type = {"results": csdl.ACTION_RESULT, "reports": csdl.ACTION_REPORT}[kind]
        assert context == METADATA_CONTEXT + "Collection(microsoft.graph.%s)" % item_type
    assert set(body) <= allowed, sorted(set(body) - allowed)
    assert isinstance(body["value"], list)
    if "@odata.count" in body:
        assert type(body["@odata.count"]) is int and body["@odata.count"] >= 0
    if "@odata.nextLink" in body:
        assert isinstance(body["@odata.nextLink"], str) and body["@odata.nextLink"]
    for index, item in enumerate(body["value"]):
        if item_type == csdl.ENTITY:
            assert item.get("@odata.type") == "#microsoft.graph.cloudPcExternalPartner"
            csdl.check_structured(item, item_type, "$.value[%d]" % index, selected)
        else:
            csdl.check_structured(item, item_type, "$.value[%d]" % index)


def check_error(body, status):
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "innerError"}, sorted(error)
    assert error["code"] == ERROR_CODES[status]
    assert isinstance(error["message"], str) and error["message"]
    inner = error["innerError"]
    assert isinstance(inner, dict) and set(inner) <= INNER_ERROR_KEYS, sorted(inner)
    assert INNER_DATE.match(inner["date"]), inner["date"]
    assert is_uuid(inner["request-id"])
    assert "client-request-id" not in inner  # the C ABI carries no request headers
    if "code" in inner:
        assert isinstance(inner["code"], str) and inner["code"]


def test_every_label_was_driven(corpus):
    assert set(corpus) == set(LABELS)


@pytest.mark.parametrize("label", LABELS)
def test_response_conforms_to_the_csdl(corpus, label):
    assert corpus.get(label), "no sample for %r" % label
    for index, sample in enumerate(corpus[label]):
        try:
            check_sample(sample)
        except AssertionError as exc:
            raise AssertionError("%s #%d (status %d): %s\n%r" % (
                label, index, sample.response.status, exc, sample.response.body)) from exc


def values_of(corpus, type_name, prop):
    """Every value the corpus holds for ``type_name.prop``, nested values included."""
    found = []

    def walk(value, current):
        if isinstance(value, list):
            for item in value:
                walk(item, current)
        elif isinstance(value, dict) and current in csdl.STRUCTURED_TYPES:
            for key, item in value.items():
                if key.startswith("@") or key not in csdl.STRUCTURED_TYPES[current]:
                    continue
                if current == type_name and key == prop:
                    found.append(item)
                edm_type = csdl.STRUCTURED_TYPES[current][key][0]
                inner = edm_type[len("Collection("):-1] if edm_type.startswith("Collection(") \
                    else edm_type
                walk(item, csdl.local_name(inner))

    kinds = {"entity": csdl.ENTITY, "collection": csdl.ENTITY, "results": csdl.ACTION_RESULT,
             "reports": csdl.ACTION_REPORT}
    for samples in corpus.values():
        for sample in samples:
            if sample.kind in kinds:
                body = sample.response.body
                walk(body.get("value", body) if sample.kind != "entity" else body,
                     kinds[sample.kind])
    return found


# The enum members the engine produces outside simulation (CONTRACT §5): the corpus must show each
# of them, so the checks above really ran over every state.
PRODUCED = [
    (csdl.ENTITY, "connectionStatus", {"notAvailable", "available", "healthy", "unhealthy"}),
    (csdl.ACTION_RESULT, "state", {"created", "pending", "running", "succeeded"}),
    (csdl.ACTION_RESULT, "errorCode", {"none"}),
    (csdl.ACTION_REPORT, "actionType", {"configureAgent", "deployAgent"}),
    (csdl.ACTION_REPORT, "authenticatedMethod", {"normalUser", "guestUser"}),
]


@pytest.mark.parametrize("type_name, prop, members", PRODUCED,
                         ids=["%s.%s" % (t, p) for t, p, _ in PRODUCED])
def test_corpus_shows_every_produced_enum_member(corpus, type_name, prop, members):
    assert set(values_of(corpus, type_name, prop)) == members


def test_corpus_shows_fractional_instants(corpus):
    instants = [v for prop in ("startDateTime", "lastModifiedDateTime")
                for v in values_of(corpus, csdl.ACTION_RESULT, prop)]
    instants += values_of(corpus, csdl.ENTITY, "lastSyncDateTime")
    instants += values_of(corpus, csdl.ACTION_REPORT, "createdDateTime")
    assert {"2020-11-03T13:16:34.25Z", "2020-11-03T13:16:44.25Z"} <= set(instants)


def test_corpus_shows_both_null_and_values_where_the_engine_produces_both(corpus):
    def kinds(type_name, prop):
        return {type(v).__name__ for v in values_of(corpus, type_name, prop)}

    assert kinds(csdl.ENTITY, "agentSetting") == {"NoneType", "dict"}
    assert kinds(csdl.ENTITY, "lastSyncDateTime") == {"NoneType", "str"}
    assert kinds(csdl.ACTION_REPORT, "agentSetting") == {"NoneType", "dict"}
    assert kinds(csdl.ACTION_REPORT, "activityId") == {"NoneType", "str"}
    assert kinds(csdl.AGENT_SETTING, "autoDeploymentEnabled") == {"bool"}
    assert set(values_of(corpus, csdl.ACTION_REPORT, "authenticatedAppId")) >= {"", APP_ID}
