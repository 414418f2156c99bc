// POST …/{id}/configureAgent (CONTRACT §2 role row, §5 configureAgent).
#include "engine_support.h"

namespace cpep::engine_test {
namespace {

struct ConfigureAgent : ::testing::Test {
    std::unique_ptr<Engine> e = memory_engine();
    std::string id;
    void SetUp() override { id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"]; }
    json setting() { return get(*e, reader(kTenantA), id)["agentSetting"]; }
    std::size_t report_count() {
        Reply r = send(*e, "GET", reports_path(id), reader(kTenantA));
        if (r.status != 200) throw std::runtime_error(r.body);
        return r.doc()["value"].size();
    }
    // The call is refused and changes nothing.
    void expect_refused(const json &body, int status = 400, std::string_view code = "badRequest") {
        SCOPED_TRACE(body.dump());
        const json setting_before = setting();
        const std::size_t reports_before = report_count();
        expect_graph_error(send(*e, "POST", configure_path(id), admin(kTenantA), body.dump()), status, code);
        EXPECT_EQ(setting(), setting_before);
        EXPECT_EQ(report_count(), reports_before);
    }
};

TEST_F(ConfigureAgent, Answers204AndTheSettingAppearsWithDefaults) {
    Reply r = configure(*e, admin(kTenantA), id);
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.body, "");
    const json s = setting();
    EXPECT_EQ(keys_of(s), (std::set<std::string>{"agentSha256", "agentUrl", "autoDeploymentEnabled", "installParameters"}));
    EXPECT_EQ(s["agentUrl"], valid_agent_setting()["agentUrl"]);
    EXPECT_EQ(s["agentSha256"], valid_agent_setting()["agentSha256"]);
    EXPECT_EQ(s["installParameters"], json::array());
    EXPECT_EQ(s["autoDeploymentEnabled"], false);
    // The rest of the entity is untouched.
    const json entity = get(*e, reader(kTenantA), id);
    EXPECT_EQ(entity["connectionStatus"], "available");
    EXPECT_EQ(entity["enableConnection"], true);
    // And the list shows it too.
    Reply list = send(*e, "GET", kCollection, reader(kTenantA));
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.doc()["value"][0]["agentSetting"], s);
}

TEST_F(ConfigureAgent, StoresEveryFieldAsSent) {
    const std::string sha = "ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789";
    const json full = {{"@odata.type", "#microsoft.graph.cloudPcExternalPartnerAgentSetting"},
                       {"agentUrl", "https://cdn.partner.example/a/b/agent.exe?sig=abc#frag"},
                       {"agentSha256", sha},
                       {"installParameters", {"/quiet", "/p key=\"value\"", "", "ünïcødé"}},
                       {"autoDeploymentEnabled", true}};
    ASSERT_EQ(configure(*e, admin(kTenantA), id, full).status, 204);
    const json s = setting();
    EXPECT_EQ(s["agentUrl"], full["agentUrl"]);
    EXPECT_EQ(s["agentSha256"], sha);  // stored as sent, case included
    EXPECT_EQ(s["installParameters"], full["installParameters"]);
    EXPECT_EQ(s["autoDeploymentEnabled"], true);
    EXPECT_FALSE(s.contains("@odata.type"));
}

TEST_F(ConfigureAgent, ASecondCallReplacesTheSetting) {
    ASSERT_EQ(configure(*e, admin(kTenantA), id,
                        {{"agentUrl", "https://a.example/one.exe"},
                         {"agentSha256", std::string(64, 'a')},
                         {"installParameters", json::array({"/one"})},
                         {"autoDeploymentEnabled", true}})
                  .status,
              204);
    ASSERT_EQ(configure(*e, admin(kTenantA), id, {{"agentUrl", "https://b.example/two.msi"}, {"agentSha256", std::string(64, 'b')}})
                  .status,
              204);
    const json s = setting();
    EXPECT_EQ(s["agentUrl"], "https://b.example/two.msi");
    EXPECT_EQ(s["agentSha256"], std::string(64, 'b'));
    EXPECT_EQ(s["installParameters"], json::array());
    EXPECT_EQ(s["autoDeploymentEnabled"], false);
    EXPECT_EQ(report_count(), 2u);
}

TEST_F(ConfigureAgent, IsAllowedWhileTheConnectionIsDisabled) {
    const std::string disabled = create(*e, admin(kTenantA), guid(0xa, 2), false)["id"];
    EXPECT_EQ(configure(*e, admin(kTenantA), disabled).status, 204);
    const json entity = get(*e, reader(kTenantA), disabled);
    EXPECT_EQ(entity["agentSetting"]["agentUrl"], valid_agent_setting()["agentUrl"]);
    EXPECT_EQ(entity["connectionStatus"], "notAvailable");
}

TEST_F(ConfigureAgent, NeedsADelegatedGlobalAdministratorWithReadWrite) {
    expect_graph_error(configure(*e, app_writer(kTenantA), id), 403, "forbidden", "applicationNotSupported");
    expect_graph_error(configure(*e, application(kTenantA, {"CloudPC.ReadWrite.All"}, {{"wids", json::array({kGlobalAdmin})}}), id), 403,
                       "forbidden", "applicationNotSupported");
    expect_graph_error(configure(*e, delegated(kTenantA, "CloudPC.ReadWrite.All"), id), 403, "forbidden", "missingRole");
    expect_graph_error(configure(*e, deployer(kTenantA), id), 403, "forbidden", "missingRole");
    expect_graph_error(configure(*e, delegated(kTenantA, "CloudPC.Read.All", {kGlobalAdmin}), id), 403, "forbidden",
                       "missingPermission");
    // The role check comes before the body: a refused caller learns nothing about it.
    expect_graph_error(send(*e, "POST", configure_path(id), deployer(kTenantA), "{}"), 403, "forbidden");
    EXPECT_TRUE(setting().is_null());
    EXPECT_EQ(report_count(), 0u);
    EXPECT_EQ(configure(*e, delegated(kTenantA, "CloudPC.ReadWrite.All", {kW365Admin, kGlobalAdmin}), id).status, 204);
}

TEST_F(ConfigureAgent, BadAgentUrlsAre400) {
    for (const json &url : std::vector<json>{"http://partner.example/agent.msi", "https:///agent.msi", "https://", "https://host",
                                             "https://host/", "https://host/agent.zip", "https://host/agent.msi.txt",
                                             "https://host/agent", "https://host/agent.exe x", "ftp://host/agent.exe",
                                             "partner.example/agent.exe", "", 42, json::array({"https://h/a.exe"}), nullptr}) {
        json s = valid_agent_setting();
        s["agentUrl"] = url;
        expect_refused({{"agentSetting", s}});
    }
    json s = valid_agent_setting();
    s.erase("agentUrl");
    expect_refused({{"agentSetting", s}});
}

TEST_F(ConfigureAgent, BadDigestsAre400) {
    for (const json &sha : std::vector<json>{std::string(63, 'a'), std::string(65, 'a'), std::string(63, 'a') + "g",
                                             std::string(63, 'a') + " ", "", 7, nullptr}) {
        json s = valid_agent_setting();
        s["agentSha256"] = sha;
        expect_refused({{"agentSetting", s}});
    }
    json s = valid_agent_setting();
    s.erase("agentSha256");
    expect_refused({{"agentSetting", s}});
}

TEST_F(ConfigureAgent, BadOptionalFieldsAre400) {
    for (const json &params : std::vector<json>{"/quiet", json::array({1}), json::array({"/a", nullptr}), json::array({json::array()}),
                                                json::object(), true, nullptr}) {
        json s = valid_agent_setting();
        s["installParameters"] = params;
        expect_refused({{"agentSetting", s}});
    }
    for (const json &flag : std::vector<json>{"true", 1, 0, json::array()}) {
        json s = valid_agent_setting();
        s["autoDeploymentEnabled"] = flag;
        expect_refused({{"agentSetting", s}});
    }
    json s = valid_agent_setting();
    s["@odata.type"] = "#microsoft.graph.cloudPcExternalPartner";
    expect_refused({{"agentSetting", s}});
}

TEST_F(ConfigureAgent, UnknownKeysAndAMissingSettingAre400) {
    json s = valid_agent_setting();
    s["agentName"] = "x";
    expect_refused({{"agentSetting", s}});
    expect_refused({{"agentSetting", valid_agent_setting()}, {"extra", 1}});
    expect_refused({{"agentSetting", valid_agent_setting()}, {"enableConnection", true}});
    expect_refused(json::object());
    expect_refused({{"agentSetting", nullptr}});
    expect_refused({{"agentSetting", "https://h/a.exe"}});
    expect_refused({{"agentSetting", json::array({valid_agent_setting()})}});
    expect_refused(valid_agent_setting());  // the setting without its wrapper
    expect_refused(json::array());
    for (const std::string body : {"", "not json", "{\"agentSetting\": {}, \"agentSetting\": {}}"}) {
        SCOPED_TRACE(body);
        expect_graph_error(send(*e, "POST", configure_path(id), admin(kTenantA), body), 400, "badRequest");
    }
    expect_graph_error(send(*e, "POST", configure_path(id), admin(kTenantA), std::string(1024 * 1024 + 1, ' ')), 413,
                       "requestEntityTooLarge");
    expect_graph_error(send(*e, "POST", configure_path(id) + "?x=1", admin(kTenantA), json{{"agentSetting", valid_agent_setting()}}.dump()),
                       400, "badRequest", "invalidQueryOption");
    EXPECT_TRUE(setting().is_null());
    EXPECT_EQ(report_count(), 0u);
}

TEST_F(ConfigureAgent, UnknownOrAnotherTenantsIdIs404AfterTheBody) {
    const std::string theirs = create(*e, admin(kTenantB), guid(0xb, 1), true)["id"];
    const std::string unknown = guid(0xdead, 1);
    Reply other = configure(*e, admin(kTenantA), theirs);
    expect_graph_error(other, 404, "notFound", "resourceNotFound");
    EXPECT_EQ(normalized_error(other, theirs), normalized_error(configure(*e, admin(kTenantA), unknown), unknown));
    expect_graph_error(configure(*e, admin(kTenantA), "not-a-guid"), 404, "notFound", "resourceNotFound");
    EXPECT_TRUE(get(*e, reader(kTenantB), theirs)["agentSetting"].is_null());
    Reply reports = send(*e, "GET", reports_path(theirs), reader(kTenantB));
    EXPECT_EQ(reports.doc()["value"], json::array());
    // A bad body on an unknown id is 400 (body before existence).
    expect_graph_error(send(*e, "POST", configure_path(unknown), admin(kTenantA), "{}"), 400, "badRequest");
}

}  // namespace
}  // namespace cpep::engine_test
