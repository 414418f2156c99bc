// GET …/{id}/retrieveActionReports (CONTRACT §5): one report per successful configureAgent call
// and per Cloud PC of each successful deployAgent call, with who did it and when.
#include "engine_support.h"

namespace cpep::engine_test {
namespace {

const std::set<std::string> kReportKeys = {"actionType",      "activityId",         "activityMessage",
                                           "agentName",       "agentSetting",       "authenticatedAppId",
                                           "authenticatedAppName", "authenticatedMethod", "authenticatedUserPrincipalName",
                                           "cloudPcId",       "cloudPcName",        "createdDateTime"};
const std::string kReportsContext =
    "https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.cloudPcExternalPartnerActionReport)";

json reports(Engine &e, const std::string &id, const std::string &caller = reader(kTenantA)) {
    Reply r = send(e, "GET", reports_path(id), caller);
    if (r.status != 200) throw std::runtime_error("reports: " + std::to_string(r.status) + " " + r.body);
    json doc = r.doc();
    EXPECT_EQ(doc["@odata.context"], kReportsContext);
    return doc["value"];
}

TEST(ActionReports, RecordEachSuccessfulCallWithItsCallerAndTime) {
    TempDir dir;
    const std::string path = dir.file("db.sqlite");
    const json first_setting = {{"agentUrl", "https://p.example/one.exe"},
                                {"agentSha256", std::string(64, 'c')},
                                {"installParameters", {"/quiet", "/norestart"}},
                                {"autoDeploymentEnabled", true}};
    const std::string guest = delegated(kTenantA, "CloudPC.ReadWrite.All", {kW365Admin}, {{"acct", 1}});
    const std::string member_without_upn =
        delegated(kTenantA, "CloudPC.ReadWrite.All", {kGlobalAdmin}, {{"acct", 0}, {"appid", "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"}});
    std::string id, activity1, activity2;
    {
        auto e = open_engine(path, 0);
        id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
        EXPECT_EQ(reports(*e, id), json::array());
        ASSERT_EQ(configure(*e, admin(kTenantA), id, first_setting).status, 204);
    }
    {
        auto e = open_engine(path, 60);
        Reply d = deploy(*e, guest, id, {guid(0xc, 2), upper(guid(0xc, 1))});
        ASSERT_EQ(d.status, 200) << d.body;
        activity1 = d.doc()["value"];
        ASSERT_EQ(configure(*e, member_without_upn, id).status, 204);
    }
    auto e = open_engine(path, 120);
    Reply d = deploy(*e, member_without_upn, id, {guid(0xc, 3)});
    ASSERT_EQ(d.status, 200) << d.body;
    activity2 = d.doc()["value"];

    const json value = reports(*e, id);
    ASSERT_EQ(value.size(), 5u) << value.dump(2);
    for (const json &r : value) EXPECT_EQ(keys_of(r), kReportKeys) << r.dump();

    json expected_setting = first_setting;
    const json &c1 = value[0];
    EXPECT_EQ(c1["actionType"], "configureAgent");
    EXPECT_EQ(c1["cloudPcId"], "");
    EXPECT_TRUE(c1["activityId"].is_null());
    EXPECT_EQ(c1["agentSetting"], expected_setting);
    EXPECT_EQ(c1["authenticatedMethod"], "normalUser");
    EXPECT_EQ(c1["authenticatedUserPrincipalName"], "admin@contoso.com");
    EXPECT_EQ(c1["authenticatedAppId"], kAdminAppId);
    EXPECT_EQ(c1["createdDateTime"], at(0));

    for (std::size_t i : {1u, 2u}) {
        const json &r = value[i];
        EXPECT_EQ(r["actionType"], "deployAgent");
        EXPECT_EQ(r["activityId"], activity1);
        EXPECT_TRUE(r["agentSetting"].is_null());
        EXPECT_EQ(r["authenticatedMethod"], "guestUser");
        EXPECT_TRUE(r["authenticatedUserPrincipalName"].is_null());
        EXPECT_EQ(r["authenticatedAppId"], "");
        EXPECT_EQ(r["createdDateTime"], at(60));
    }
    EXPECT_EQ((std::set<std::string>{value[1]["cloudPcId"], value[2]["cloudPcId"]}),
              (std::set<std::string>{guid(0xc, 1), guid(0xc, 2)}));

    const json &c2 = value[3];
    EXPECT_EQ(c2["actionType"], "configureAgent");
    EXPECT_TRUE(c2["activityId"].is_null());
    EXPECT_EQ(c2["cloudPcId"], "");
    EXPECT_EQ(c2["agentSetting"], (json{{"agentSha256", valid_agent_setting()["agentSha256"]},
                                        {"agentUrl", valid_agent_setting()["agentUrl"]},
                                        {"autoDeploymentEnabled", false},
                                        {"installParameters", json::array()}}));
    EXPECT_EQ(c2["authenticatedMethod"], "normalUser");
    EXPECT_TRUE(c2["authenticatedUserPrincipalName"].is_null());
    EXPECT_EQ(c2["authenticatedAppId"], "0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a");
    EXPECT_EQ(c2["createdDateTime"], at(60));

    const json &d2 = value[4];
    EXPECT_EQ(d2["actionType"], "deployAgent");
    EXPECT_EQ(d2["activityId"], activity2);
    EXPECT_EQ(d2["cloudPcId"], guid(0xc, 3));
    EXPECT_EQ(d2["createdDateTime"], at(120));
    EXPECT_EQ(d2["authenticatedMethod"], "normalUser");

    // The first report keeps the setting it recorded although the setting was replaced since.
    EXPECT_EQ(get(*e, reader(kTenantA), id)["agentSetting"], c2["agentSetting"]);
}

TEST(ActionReports, FailedCallsLeaveNoReport) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    const std::string disabled = create(*e, admin(kTenantA), guid(0xa, 2), false)["id"];
    // 409 agentNotConfigured, 400s, 403s.
    expect_graph_error(deploy(*e, admin(kTenantA), id, {guid(0xc, 1)}), 409, "conflict", "agentNotConfigured");
    json bad = valid_agent_setting();
    bad["agentSha256"] = "abc";
    expect_graph_error(configure(*e, admin(kTenantA), id, bad), 400, "badRequest");
    expect_graph_error(configure(*e, deployer(kTenantA), id), 403, "forbidden");
    EXPECT_EQ(reports(*e, id), json::array());
    ASSERT_EQ(configure(*e, admin(kTenantA), id).status, 204);
    expect_graph_error(deploy(*e, admin(kTenantA), id, {}), 400, "badRequest");
    expect_graph_error(deploy(*e, admin(kTenantA), id, {guid(0xc, 1), guid(0xc, 1)}), 400, "badRequest");
    expect_graph_error(deploy(*e, app_writer(kTenantA), id, {guid(0xc, 1)}), 403, "forbidden");
    EXPECT_EQ(reports(*e, id).size(), 1u);
    // 409 connectionDisabled: configured, then disabled.
    ASSERT_EQ(configure(*e, admin(kTenantA), disabled).status, 204);
    expect_graph_error(deploy(*e, admin(kTenantA), disabled, {guid(0xc, 1)}), 409, "conflict", "connectionDisabled");
    const json r = reports(*e, disabled);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0]["actionType"], "configureAgent");
}

TEST(ActionReports, RefusesQueryOptionsUnknownAndForeignPartners) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    const std::string theirs = create(*e, admin(kTenantB), guid(0xb, 1), true)["id"];
    ASSERT_EQ(configure(*e, admin(kTenantB), theirs).status, 204);
    Reply r = send(*e, "GET", reports_path(id) + "()", reader(kTenantA));
    EXPECT_EQ(r.status, 200) << r.body;
    for (const std::string q : {"?$top=1", "?$filter=actionType eq 'deployAgent'", "?$select=cloudPcId", "?x=1"}) {
        SCOPED_TRACE(q);
        expect_graph_error(send(*e, "GET", reports_path(id) + q, reader(kTenantA)), 400, "badRequest", "invalidQueryOption");
    }
    Reply other = send(*e, "GET", reports_path(theirs), reader(kTenantA));
    expect_graph_error(other, 404, "notFound", "resourceNotFound");
    EXPECT_EQ(normalized_error(other, theirs),
              normalized_error(send(*e, "GET", reports_path(guid(0xdead, 3)), reader(kTenantA)), guid(0xdead, 3)));
    expect_graph_error(send(*e, "GET", reports_path("nope"), reader(kTenantA)), 404, "notFound");
    expect_graph_error(send(*e, "GET", reports_path(id), delegated(kTenantA, "openid")), 403, "forbidden", "missingPermission");
    EXPECT_EQ(send(*e, "GET", reports_path(id), application(kTenantA, {"CloudPC.Read.All"})).status, 200);
}

}  // namespace
}  // namespace cpep::engine_test
