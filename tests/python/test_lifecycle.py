"""The Engine methods of the whole resource (issue 3): each one's success, and its errors raised
as GraphError with the status, code and innerError code of CONTRACT §2, §4 and §5."""

import uuid

import pytest

from cpep_support import (
    AGENT_SETTING,
    APP_ID,
    ENTITY_CONTEXT,
    ENTITY_KEYS,
    NOW,
    ODATA_TYPE,
    OTHER_TENANT,
    PARTNERS,
    PERSONAL_TENANT,
    TENANT,
    UPN,
    cpep,
    create,
    global_admin,
    is_uuid,
    new_guid,
    reader,
    w365_admin,
    writer,
)


def raises(status, code, inner_code, call, *args, **kwargs):
    """Runs ``call`` and checks that it raises GraphError with these fields; returns the error."""
    with pytest.raises(cpep.GraphError) as caught:
        call(*args, **kwargs)
    error = caught.value
    assert (error.status, error.code, error.inner_code) == (status, code, inner_code), str(error)
    assert isinstance(error.message, str) and error.message
    assert error.body["error"]["code"] == code
    assert is_uuid(error.request_id)
    return error


def configured(engine, enable=True):
    partner = create(engine, enable=enable)
    engine.configure_agent(global_admin(), partner["id"], AGENT_SETTING)
    return partner


# -- helpers of the package ----------------------------------------------------------------------

def test_role_constants():
    assert cpep.GLOBAL_ADMINISTRATOR == "62e90394-69f5-4237-9190-012177145e10"
    assert cpep.WINDOWS_365_ADMINISTRATOR == "11451d60-acb2-45eb-a7d6-43d0f0125c13"
    assert cpep.PARTNER == "CloudPC.PartnerReadWrite.All"


def test_partner_caller():
    assert cpep.partner_caller(TENANT) == {
        "tid": TENANT, "idtyp": "app", "roles": ["CloudPC.PartnerReadWrite.All"]}
    assert cpep.partner_caller(TENANT, appid=APP_ID)["appid"] == APP_ID


def test_user_caller_with_roles_upn_and_appid():
    caller = cpep.user_caller(TENANT, wids=[cpep.GLOBAL_ADMINISTRATOR], upn=UPN, appid=APP_ID,
                              oid="x")
    assert caller == {
        "tid": TENANT, "idtyp": "user", "scp": "CloudPC.ReadWrite.All",
        "wids": [cpep.GLOBAL_ADMINISTRATOR], "upn": UPN, "appid": APP_ID, "oid": "x"}
    assert "upn" not in cpep.user_caller(TENANT) and "appid" not in cpep.user_caller(TENANT)


def test_urls_are_percent_encoded():
    from cpep import engine as engine_module

    url = engine_module.list_url(filter="partnerId eq 'a b'", select=["id", "partnerId"], top=5,
                                 skip=2, count=True)
    assert url == (PARTNERS + "?$filter=partnerId%20eq%20%27a%20b%27&$select=id,partnerId"
                   "&$top=5&$skip=2&$count=true")
    assert engine_module.list_url() == PARTNERS
    assert engine_module.partner_url("a/b?c") == PARTNERS + "/a%2Fb%3Fc"
    with pytest.raises(TypeError):
        engine_module.list_url(top="5")
    with pytest.raises(TypeError):
        engine_module.list_url(skip=True)


# -- get -----------------------------------------------------------------------------------------

def test_get(engine):
    created = create(engine)
    got = engine.get_external_partner(reader(), created["id"])
    assert got == created
    assert got["@odata.context"] == ENTITY_CONTEXT
    assert set(got) == ENTITY_KEYS
    # GUIDs compare case-insensitively in the path.
    assert engine.get_external_partner(reader(), created["id"].upper())["id"] == created["id"]


@pytest.mark.parametrize("select", ["partnerId", ["partnerId"], ("partnerId", "enableConnection")])
def test_get_with_select(engine, select):
    created = create(engine)
    got = engine.get_external_partner(reader(), created["id"], select=select)
    names = [select] if isinstance(select, str) else list(select)
    assert {k for k in got if not k.startswith("@")} == {"id", *names}
    assert all(got[name] == created[name] for name in names)
    assert got["@odata.type"] == ODATA_TYPE


def test_get_errors(engine):
    created = create(engine)
    raises(404, "notFound", "resourceNotFound", engine.get_external_partner, reader(), new_guid())
    raises(404, "notFound", "resourceNotFound", engine.get_external_partner, reader(), "not-a-guid")
    # Another tenant's id answers exactly as an id that does not exist.
    other = raises(404, "notFound", "resourceNotFound", engine.get_external_partner,
                   cpep.app_caller(OTHER_TENANT), created["id"])
    assert created["partnerId"] not in str(other.body)
    raises(400, "badRequest", "invalidQueryOption", engine.get_external_partner, reader(),
           created["id"], select="displayName")
    raises(401, "InvalidAuthenticationToken", "tokenMissing", engine.get_external_partner, None,
           created["id"])
    raises(403, "forbidden", "personalAccountNotSupported", engine.get_external_partner,
           cpep.app_caller(PERSONAL_TENANT), created["id"])
    raises(403, "forbidden", "missingPermission", engine.get_external_partner,
           cpep.app_caller(TENANT, roles=["User.Read.All"]), created["id"])


# -- list ----------------------------------------------------------------------------------------

def test_list_in_creation_order(engine):
    created = [create(engine, enable=i % 2 == 0) for i in range(5)]
    listed = list(engine.list_external_partners(reader()))
    assert [p["id"] for p in listed] == [p["id"] for p in created]
    for got, want in zip(listed, created):
        assert got == {k: v for k, v in want.items() if k != "@odata.context"}


def test_list_filters(engine):
    created = [create(engine, enable=i % 3 != 0) for i in range(9)]
    enabled = [p["id"] for p in created if p["enableConnection"]]
    disabled = [p["id"] for p in created if not p["enableConnection"]]
    def ids(**kw):
        return [p["id"] for p in engine.list_external_partners(reader(), **kw)]

    assert ids(filter="enableConnection eq true") == enabled
    assert ids(filter="enableConnection eq false") == disabled
    target = created[4]
    assert ids(filter="partnerId eq '%s'" % target["partnerId"].upper()) == [target["id"]]
    assert ids(filter="enableConnection eq true and partnerId eq '%s'"
               % target["partnerId"]) == [target["id"]]
    assert ids(filter="enableConnection eq false and partnerId eq '%s'"
               % target["partnerId"]) == []


def test_list_select_top_skip(engine):
    created = [create(engine) for _ in range(6)]
    listed = list(engine.list_external_partners(reader(), select="enableConnection", top=3,
                                                skip=2))
    assert [p["id"] for p in listed] == [p["id"] for p in created[2:5]]
    assert all(set(p) == {"@odata.type", "id", "enableConnection"} for p in listed)


def test_list_count(engine):
    for i in range(7):
        create(engine, enable=i < 4)
    partners = engine.list_external_partners(reader(), filter="enableConnection eq true",
                                             top=2, skip=1, count=True)
    assert partners.count == 4  # regardless of $top and $skip
    assert partners.pages_fetched == 1
    assert len(list(partners)) == 2
    assert partners.pages_fetched == 1
    assert engine.list_external_partners(reader()).count is None
    page = engine.list_external_partners_page(reader(), count=True, top=1)
    assert page["@odata.count"] == 7 and len(page["value"]) == 1


def test_list_of_an_empty_tenant(engine):
    create(engine)
    partners = engine.list_external_partners(cpep.app_caller(OTHER_TENANT), count=True)
    assert partners.count == 0
    assert list(partners) == []


def test_list_errors(engine):
    for options in [dict(filter="displayName eq 'x'"), dict(filter="enableConnection eq 1"),
                    dict(select="bogus"), dict(top=0), dict(top=1000), dict(skip=-1)]:
        partners = engine.list_external_partners(reader(), **options)
        raises(400, "badRequest", "invalidQueryOption", next, partners)
        raises(400, "badRequest", "invalidQueryOption", engine.list_external_partners_page,
               reader(), **options)
    raises(403, "forbidden", "missingPermission", list,
           engine.list_external_partners(cpep.app_caller(TENANT, roles=["User.Read.All"])))
    raises(401, "InvalidAuthenticationToken", "tokenMissing", list,
           engine.list_external_partners(None))
    raises(403, "forbidden", "personalAccountNotSupported", lambda: engine.list_external_partners(
        cpep.app_caller(PERSONAL_TENANT)).count)


# -- update --------------------------------------------------------------------------------------

def test_update(engine):
    created = create(engine)
    disabled = engine.update_external_partner(writer(), created["id"], False)
    assert disabled["enableConnection"] is False
    assert disabled["connectionStatus"] == "notAvailable"
    assert disabled["statusDetails"] == "The external partner connection is disabled"
    assert disabled["lastSyncDateTime"] is None
    assert disabled["@odata.context"] == ENTITY_CONTEXT
    assert engine.get_external_partner(reader(), created["id"]) == disabled
    enabled = engine.update_external_partner(cpep.user_caller(TENANT), created["id"], True)
    assert enabled["connectionStatus"] == "available"
    assert enabled["statusDetails"] == "The external partner is available"
    assert enabled["lastSyncDateTime"] == NOW
    # A PATCH to the current value changes nothing.
    assert engine.update_external_partner(writer(), created["id"], True) == enabled


def test_update_errors(engine):
    created = create(engine)
    raises(404, "notFound", "resourceNotFound", engine.update_external_partner, writer(),
           new_guid(), False)
    raises(404, "notFound", "resourceNotFound", engine.update_external_partner,
           cpep.app_caller(OTHER_TENANT), created["id"], False)
    raises(400, "badRequest", "invalidProperty", engine.update_external_partner, writer(),
           created["id"], "false")
    raises(400, "badRequest", "invalidProperty", engine.update_external_partner, writer(),
           created["id"], None)
    raises(403, "forbidden", "missingPermission", engine.update_external_partner, reader(),
           created["id"], False)
    # Only enableConnection: partnerId or a read-only property is not updateable.
    for key, value in [("partnerId", created["partnerId"]), ("connectionStatus", "healthy"),
                       ("id", created["id"])]:
        response = engine.request("PATCH", PARTNERS + "/" + created["id"], writer(),
                                  {"enableConnection": False, key: value})
        error = cpep.GraphError.from_response(response.status, response.body)
        assert (error.status, error.inner_code) == (400, "propertyNotUpdateable"), key
    assert engine.get_external_partner(reader(), created["id"]) == created


# -- delete --------------------------------------------------------------------------------------

def test_delete(engine):
    keep, gone = create(engine), configured(engine)
    engine.deploy_agent(global_admin(), gone["id"], [new_guid()])
    assert engine.delete_external_partner(writer(), gone["id"]) is None
    raises(404, "notFound", "resourceNotFound", engine.get_external_partner, reader(), gone["id"])
    assert [p["id"] for p in engine.list_external_partners(reader())] == [keep["id"]]
    for call in (engine.retrieve_action_reports, engine.retrieve_deploy_agent_action_results):
        raises(404, "notFound", "resourceNotFound", call, reader(), gone["id"])
    raises(404, "notFound", "resourceNotFound", engine.delete_external_partner, writer(),
           gone["id"])
    # The partnerId is free again.
    assert create(engine, partner_id=gone["partnerId"])["id"] != gone["id"]


def test_delete_errors(engine):
    created = create(engine)
    raises(403, "forbidden", "missingPermission", engine.delete_external_partner, reader(),
           created["id"])
    raises(403, "forbidden", "missingPermission", engine.delete_external_partner,
           cpep.user_caller(TENANT, scopes=[cpep.READ]), created["id"])
    raises(404, "notFound", "resourceNotFound", engine.delete_external_partner,
           cpep.app_caller(OTHER_TENANT), created["id"])
    assert engine.get_external_partner(reader(), created["id"]) == created


# -- heartbeat -----------------------------------------------------------------------------------

def test_heartbeat(engine):
    created = create(engine)
    assert engine.heartbeat(cpep.partner_caller(TENANT), created["partnerId"].upper()) is None
    got = engine.get_external_partner(reader(), created["id"])
    assert got["connectionStatus"] == "healthy"
    assert got["statusDetails"] == "The external partner is healthy"
    assert got["lastSyncDateTime"] == NOW


def test_heartbeat_errors(engine):
    created = create(engine)
    partner = cpep.partner_caller(TENANT)
    raises(404, "notFound", "resourceNotFound", engine.heartbeat, partner, new_guid())
    raises(404, "notFound", "resourceNotFound", engine.heartbeat,
           cpep.partner_caller(OTHER_TENANT), created["partnerId"])
    raises(400, "badRequest", "invalidProperty", engine.heartbeat, partner, "not-a-guid")
    # CloudPC.ReadWrite.All does not grant it, and delegated callers are refused.
    raises(403, "forbidden", "missingPermission", engine.heartbeat, writer(),
           created["partnerId"])
    with pytest.raises(cpep.GraphError) as caught:
        engine.heartbeat(cpep.user_caller(TENANT, scopes=[cpep.PARTNER]), created["partnerId"])
    assert (caught.value.status, caught.value.code) == (403, "forbidden")
    raises(401, "InvalidAuthenticationToken", "tokenMissing", engine.heartbeat, None,
           created["partnerId"])
    engine.update_external_partner(writer(), created["id"], False)
    raises(409, "conflict", "connectionDisabled", engine.heartbeat, partner, created["partnerId"])
    assert engine.get_external_partner(reader(), created["id"])["connectionStatus"] == \
        "notAvailable"


def test_reenabling_forgets_heartbeats(engine):
    created = create(engine)
    engine.heartbeat(cpep.partner_caller(TENANT), created["partnerId"])
    engine.update_external_partner(writer(), created["id"], False)
    again = engine.update_external_partner(writer(), created["id"], True)
    assert again["connectionStatus"] == "available"


# -- configureAgent ------------------------------------------------------------------------------

def test_configure_agent(engine):
    created = create(engine, enable=False)  # allowed whether or not the connection is enabled
    assert engine.configure_agent(global_admin(), created["id"], AGENT_SETTING) is None
    got = engine.get_external_partner(reader(), created["id"])
    assert got["agentSetting"] == dict(AGENT_SETTING, installParameters=[],
                                       autoDeploymentEnabled=False)
    second = {"agentUrl": "https://partner.example/agent/setup.MSI?v=2",
              "agentSha256": "AB" * 32, "installParameters": ["/p x", "/quiet"],
              "autoDeploymentEnabled": True}
    engine.configure_agent(global_admin(), created["id"], second)
    assert engine.get_external_partner(reader(), created["id"])["agentSetting"] == second


@pytest.mark.parametrize(
    "setting",
    [
        {"agentSha256": AGENT_SETTING["agentSha256"]},
        {"agentUrl": AGENT_SETTING["agentUrl"]},
        dict(AGENT_SETTING, agentUrl="http://www.external-partner.com/a.exe"),
        dict(AGENT_SETTING, agentUrl="https://www.external-partner.com/a.zip"),
        dict(AGENT_SETTING, agentSha256="a" * 63),
        dict(AGENT_SETTING, agentSha256="g" * 64),
        dict(AGENT_SETTING, installParameters="/quiet"),
        dict(AGENT_SETTING, installParameters=[1]),
        dict(AGENT_SETTING, autoDeploymentEnabled="true"),
        dict(AGENT_SETTING, agentName="x"),
        None,
        "x",
    ],
    ids=["no url", "no sha", "http", "zip", "short sha", "non-hex sha", "params string",
         "params ints", "auto string", "unknown key", "null", "string"],
)
def test_configure_agent_bad_settings(engine, setting):
    created = create(engine)
    with pytest.raises(cpep.GraphError) as caught:
        engine.configure_agent(global_admin(), created["id"], setting)
    assert (caught.value.status, caught.value.code) == (400, "badRequest")
    assert engine.get_external_partner(reader(), created["id"])["agentSetting"] is None
    assert engine.retrieve_action_reports(reader(), created["id"]) == []


def test_configure_agent_errors(engine):
    created = create(engine)
    raises(403, "forbidden", "applicationNotSupported", engine.configure_agent, writer(),
           created["id"], AGENT_SETTING)
    raises(403, "forbidden", "missingRole", engine.configure_agent, cpep.user_caller(TENANT),
           created["id"], AGENT_SETTING)
    raises(403, "forbidden", "missingRole", engine.configure_agent, w365_admin(), created["id"],
           AGENT_SETTING)
    raises(403, "forbidden", "missingPermission", engine.configure_agent,
           cpep.user_caller(TENANT, scopes=[cpep.READ], wids=[cpep.GLOBAL_ADMINISTRATOR]),
           created["id"], AGENT_SETTING)
    raises(404, "notFound", "resourceNotFound", engine.configure_agent, global_admin(),
           new_guid(), AGENT_SETTING)
    raises(404, "notFound", "resourceNotFound", engine.configure_agent,
           global_admin(OTHER_TENANT), created["id"], AGENT_SETTING)
    # The permission check runs before the body is validated.
    raises(403, "forbidden", "missingRole", engine.configure_agent, cpep.user_caller(TENANT),
           created["id"], {"bogus": 1})


# -- deployAgent ---------------------------------------------------------------------------------

def test_deploy_agent(engine):
    created = configured(engine)
    pcs = [new_guid() for _ in range(50)]
    activity = engine.deploy_agent(global_admin(), created["id"], pcs)
    assert is_uuid(activity)
    results = engine.retrieve_deploy_agent_action_results(reader(), created["id"])
    assert sorted(r["cloudPcId"] for r in results) == sorted(pcs)
    assert {r["activityId"] for r in results} == {activity}
    assert {(r["state"], r["errorCode"]) for r in results} == {("created", "none")}
    # A Windows 365 Administrator may deploy too, and uppercase ids come back lowercase.
    pc = new_guid()
    second = engine.deploy_agent(w365_admin(), created["id"], [pc.upper()])
    assert second != activity
    [result] = engine.retrieve_deploy_agent_action_results(reader(), created["id"],
                                                            activity_id=second)
    assert result["cloudPcId"] == pc


@pytest.mark.parametrize(
    "cloud_pc_ids",
    [[], ["x"], [str(uuid.UUID(int=i)) for i in range(1, 52)], "dup", [1]],
    ids=["none", "not a guid", "51", "duplicate", "number"],
)
def test_deploy_agent_bad_ids(engine, cloud_pc_ids):
    created = configured(engine)
    if cloud_pc_ids == "dup":
        pc = new_guid()
        cloud_pc_ids = [pc, pc.upper()]
    with pytest.raises(cpep.GraphError) as caught:
        engine.deploy_agent(global_admin(), created["id"], cloud_pc_ids)
    assert (caught.value.status, caught.value.code) == (400, "badRequest")
    assert engine.retrieve_deploy_agent_action_results(reader(), created["id"]) == []


def test_deploy_agent_errors(engine):
    plain = create(engine)
    pcs = [new_guid()]
    raises(409, "conflict", "agentNotConfigured", engine.deploy_agent, global_admin(),
           plain["id"], pcs)
    disabled = configured(engine, enable=False)
    raises(409, "conflict", "connectionDisabled", engine.deploy_agent, global_admin(),
           disabled["id"], pcs)
    # connectionDisabled comes before agentNotConfigured.
    engine.update_external_partner(writer(), plain["id"], False)
    raises(409, "conflict", "connectionDisabled", engine.deploy_agent, global_admin(),
           plain["id"], pcs)
    ready = configured(engine)
    raises(403, "forbidden", "applicationNotSupported", engine.deploy_agent, writer(),
           ready["id"], pcs)
    raises(403, "forbidden", "missingRole", engine.deploy_agent, cpep.user_caller(TENANT),
           ready["id"], pcs)
    raises(404, "notFound", "resourceNotFound", engine.deploy_agent, global_admin(),
           new_guid(), pcs)
    raises(404, "notFound", "resourceNotFound", engine.deploy_agent, global_admin(OTHER_TENANT),
           ready["id"], pcs)
    # Failed calls leave no result and no report behind.
    assert engine.retrieve_deploy_agent_action_results(reader(), ready["id"]) == []
    assert [r["actionType"] for r in engine.retrieve_action_reports(reader(), ready["id"])] == [
        "configureAgent"]


# -- retrieveDeployAgentActionResults ------------------------------------------------------------

def test_retrieve_deploy_agent_action_results_filters(engine):
    created = configured(engine)
    first_pcs, second_pcs = [new_guid(), new_guid()], [new_guid()]
    first = engine.deploy_agent(global_admin(), created["id"], first_pcs)
    second = engine.deploy_agent(global_admin(), created["id"], second_pcs + first_pcs[:1])

    def pairs(**kw):
        results = engine.retrieve_deploy_agent_action_results(reader(), created["id"], **kw)
        return sorted((r["activityId"], r["cloudPcId"]) for r in results)

    assert pairs() == sorted([(first, p) for p in first_pcs] + [(second, second_pcs[0]),
                                                                (second, first_pcs[0])])
    assert pairs(activity_id=first) == sorted((first, p) for p in first_pcs)
    assert pairs(cloud_pc_id=first_pcs[0]) == sorted([(first, first_pcs[0]),
                                                      (second, first_pcs[0])])
    assert pairs(activity_id=second, cloud_pc_id=first_pcs[0]) == [(second, first_pcs[0])]
    assert pairs(activity_id=new_guid()) == []
    # A quote in a value is escaped (doubled) and percent-encoded, not an injection.
    assert pairs(activity_id="x' or 'a'='a") == []


def test_retrieve_deploy_agent_action_results_follows_next_links(engine):
    created = configured(engine)
    pcs = [new_guid() for _ in range(150)]
    for start in range(0, 150, 50):
        engine.deploy_agent(global_admin(), created["id"], pcs[start:start + 50])
    first_page = engine.request(
        "GET", PARTNERS + "/%s/retrieveDeployAgentActionResults(activityId='',cloudPcId='')"
        % created["id"], reader()).body
    assert len(first_page["value"]) == 100 and "@odata.nextLink" in first_page
    results = engine.retrieve_deploy_agent_action_results(reader(), created["id"])
    assert len(results) == 150
    assert sorted(r["cloudPcId"] for r in results) == sorted(pcs)


def test_retrieve_deploy_agent_action_results_errors(engine):
    created = configured(engine)
    raises(404, "notFound", "resourceNotFound", engine.retrieve_deploy_agent_action_results,
           reader(), new_guid())
    raises(404, "notFound", "resourceNotFound", engine.retrieve_deploy_agent_action_results,
           cpep.app_caller(OTHER_TENANT), created["id"])
    raises(403, "forbidden", "missingPermission", engine.retrieve_deploy_agent_action_results,
           cpep.app_caller(TENANT, roles=["User.Read.All"]), created["id"])
    raises(401, "InvalidAuthenticationToken", "tokenMissing",
           engine.retrieve_deploy_agent_action_results, None, created["id"])


# -- retrieveActionReports -----------------------------------------------------------------------

def test_retrieve_action_reports(engine):
    created = create(engine)
    engine.configure_agent(global_admin(), created["id"], AGENT_SETTING)
    pcs = [new_guid(), new_guid()]
    activity = engine.deploy_agent(w365_admin(upn="w365@contoso.com"), created["id"], pcs)
    guest = cpep.user_caller(TENANT, wids=[cpep.GLOBAL_ADMINISTRATOR], upn="guest@fabrikam.com",
                             acct=1)
    engine.configure_agent(guest, created["id"], dict(AGENT_SETTING, installParameters=["/q"]))

    reports = engine.retrieve_action_reports(reader(), created["id"])
    assert [r["actionType"] for r in reports] == ["configureAgent", "deployAgent", "deployAgent",
                                                  "configureAgent"]
    configure, deploys, guest_configure = reports[0], reports[1:3], reports[3]
    assert configure["cloudPcId"] == "" and configure["activityId"] is None
    assert configure["agentSetting"] == dict(AGENT_SETTING, installParameters=[],
                                             autoDeploymentEnabled=False)
    assert configure["authenticatedMethod"] == "normalUser"
    assert configure["authenticatedUserPrincipalName"] == UPN
    assert configure["authenticatedAppId"] == APP_ID
    assert configure["createdDateTime"] == NOW
    assert sorted(r["cloudPcId"] for r in deploys) == sorted(pcs)
    for report in deploys:
        assert report["activityId"] == activity
        assert report["agentSetting"] is None
        assert report["authenticatedAppId"] == ""  # no appid claim
        assert report["authenticatedUserPrincipalName"] == "w365@contoso.com"
        assert report["authenticatedMethod"] == "normalUser"
    assert guest_configure["authenticatedMethod"] == "guestUser"
    assert guest_configure["agentSetting"]["installParameters"] == ["/q"]


def test_retrieve_action_reports_errors(engine):
    created = create(engine)
    assert engine.retrieve_action_reports(reader(), created["id"]) == []
    raises(404, "notFound", "resourceNotFound", engine.retrieve_action_reports, reader(),
           new_guid())
    raises(404, "notFound", "resourceNotFound", engine.retrieve_action_reports,
           cpep.app_caller(OTHER_TENANT), created["id"])
    raises(403, "forbidden", "missingPermission", engine.retrieve_action_reports,
           cpep.user_caller(TENANT, scopes=["User.Read"]), created["id"])
    raises(403, "forbidden", "personalAccountNotSupported", engine.retrieve_action_reports,
           cpep.app_caller(PERSONAL_TENANT), created["id"])
