#include "core/agent.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace cpep {
namespace {

using json = nlohmann::json;

const std::string kSha(64, 'a');

json setting_body(json setting) { return json{{"agentSetting", std::move(setting)}}; }
json minimal_setting() { return {{"agentUrl", "https://contoso.com/agent/setup.msi"}, {"agentSha256", kSha}}; }

void expect_configure_400(const json &body, std::string_view inner) {
    SCOPED_TRACE(body.dump());
    auto r = validate_configure_agent_body(body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().inner_code, inner) << r.error().message;
}

TEST(ConfigureAgentBody, MinimalSettingGetsDefaults) {
    auto r = validate_configure_agent_body(setting_body(minimal_setting()));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value().agent_url, "https://contoso.com/agent/setup.msi");
    EXPECT_EQ(r.value().agent_sha256, kSha);
    EXPECT_TRUE(r.value().install_parameters.empty());
    EXPECT_FALSE(r.value().auto_deployment_enabled);
}

TEST(ConfigureAgentBody, FullSettingIsKeptAsSent) {
    const std::string sha = "0123456789ABCDEFabcdef0123456789ABCDEFabcdef0123456789abcdef0123";
    json s = {{"@odata.type", "#microsoft.graph.cloudPcExternalPartnerAgentSetting"},
              {"agentUrl", "https://contoso.com/a.EXE?sig=1#x"},
              {"agentSha256", sha},
              {"installParameters", {"/quiet", "/norestart"}},
              {"autoDeploymentEnabled", true}};
    auto r = validate_configure_agent_body(setting_body(s));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value().agent_sha256, sha);  // stored as sent, case included
    EXPECT_EQ(r.value().install_parameters, (std::vector<std::string>{"/quiet", "/norestart"}));
    EXPECT_TRUE(r.value().auto_deployment_enabled);
}

TEST(ConfigureAgentBody, AgentUrlMustBeHttpsEndingInExeOrMsi) {
    for (const char *url : {"https://contoso.com/agent.exe", "https://contoso.com/a/b/agent.msi",
                            "HTTPS://contoso.com/agent.exe", "https://contoso.com/agent.msi?v=2"}) {
        SCOPED_TRACE(url);
        EXPECT_TRUE(validate_configure_agent_body(setting_body(json{{"agentUrl", url}, {"agentSha256", kSha}})).ok());
    }
    for (const json &url : {json("http://contoso.com/agent.exe"), json("ftp://contoso.com/agent.exe"),
                            json("https://contoso.com/agent.zip"), json("https://contoso.com/agent.exe.txt"),
                            json("https://contoso.com"), json("https:///agent.exe"), json("https://"),
                            json("https://contoso.com/my agent.exe"), json("https://contoso.com/?x=.exe"),
                            json("contoso.com/agent.exe"), json(42)})
        expect_configure_400(setting_body(json{{"agentUrl", url}, {"agentSha256", kSha}}), "invalidProperty");
}

TEST(ConfigureAgentBody, Sha256MustBe64HexCharacters) {
    for (const json &sha : {json(std::string(63, 'a')), json(std::string(65, 'a')), json(std::string(64, 'g')),
                            json(std::string(62, 'a') + "  "), json(1)})
        expect_configure_400(setting_body(json{{"agentUrl", "https://c.com/a.exe"}, {"agentSha256", sha}}),
                             "invalidProperty");
}

TEST(ConfigureAgentBody, RequiredAndTypedProperties) {
    expect_configure_400(json::object(), "missingProperty");
    expect_configure_400(setting_body(json{{"agentSha256", kSha}}), "missingProperty");
    expect_configure_400(setting_body(json{{"agentUrl", "https://c.com/a.exe"}}), "missingProperty");
    expect_configure_400(setting_body(json{{"agentUrl", nullptr}, {"agentSha256", kSha}}), "missingProperty");
    expect_configure_400(setting_body("x"), "invalidProperty");
    json s = minimal_setting();
    s["installParameters"] = json::array({1});
    expect_configure_400(setting_body(s), "invalidProperty");
    s = minimal_setting();
    s["installParameters"] = "/quiet";
    expect_configure_400(setting_body(s), "invalidProperty");
    s = minimal_setting();
    s["autoDeploymentEnabled"] = "true";
    expect_configure_400(setting_body(s), "invalidProperty");
}

TEST(ConfigureAgentBody, AnyOtherKeyIs400) {
    json body = setting_body(minimal_setting());
    body["extra"] = 1;
    expect_configure_400(body, "unknownProperty");
    json s = minimal_setting();
    s["agentName"] = "x";
    expect_configure_400(setting_body(s), "unknownProperty");
    s = minimal_setting();
    s["@odata.type"] = "#microsoft.graph.cloudPcExternalPartner";
    expect_configure_400(setting_body(s), "invalidODataType");
    expect_configure_400(json::array(), "invalidJson");
}

std::string guid(int n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "30d0e128-de93-41dc-89ec-%012d", n);
    return buf;
}

json cloud_pcs(int n) {
    json ids = json::array();
    for (int i = 0; i < n; ++i) ids.push_back(guid(i));
    return json{{"cloudPcIds", ids}};
}

void expect_deploy_400(const json &body, std::string_view inner) {
    SCOPED_TRACE(body.dump().substr(0, 120));
    auto r = validate_deploy_agent_body(body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().inner_code, inner) << r.error().message;
}

TEST(DeployAgentBody, OneToFiftyDistinctGuids) {
    for (int n : {1, 2, 50}) {
        auto r = validate_deploy_agent_body(cloud_pcs(n));
        ASSERT_TRUE(r.ok()) << r.error().message;
        ASSERT_EQ(r.value().size(), static_cast<std::size_t>(n));
        EXPECT_EQ(r.value().back(), guid(n - 1));  // order kept
    }
    expect_deploy_400(cloud_pcs(0), "invalidProperty");
    expect_deploy_400(cloud_pcs(51), "invalidProperty");
}

TEST(DeployAgentBody, IdsAreCanonicalAndDuplicatesRefusedCaseInsensitively) {
    auto r = validate_deploy_agent_body(json{{"cloudPcIds", {"30D0E128-DE93-41DC-89EC-33D84BB662A0"}}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value(), (std::vector<std::string>{"30d0e128-de93-41dc-89ec-33d84bb662a0"}));
    expect_deploy_400(json{{"cloudPcIds", {"30d0e128-de93-41dc-89ec-33d84bb662a0", "30D0E128-DE93-41DC-89EC-33D84BB662A0"}}},
                      "invalidProperty");
}

TEST(DeployAgentBody, InvalidShapesAre400) {
    expect_deploy_400(json::object(), "missingProperty");
    expect_deploy_400(json{{"cloudPcIds", nullptr}}, "missingProperty");
    expect_deploy_400(json{{"cloudPcIds", "30d0e128-de93-41dc-89ec-33d84bb662a0"}}, "invalidProperty");
    expect_deploy_400(json{{"cloudPcIds", {"not-a-guid"}}}, "invalidProperty");
    expect_deploy_400(json{{"cloudPcIds", {1}}}, "invalidProperty");
    json extra = cloud_pcs(1);
    extra["agentSetting"] = nullptr;
    expect_deploy_400(extra, "unknownProperty");
    expect_deploy_400(json::array(), "invalidJson");
}

TEST(ActionProgress, AdvancesWithTheClock) {
    const Instant start = Instant::from_seconds(1000);
    const ActionResult r{"a", "c", start};
    const ActionTimings t{10, 30, 120};
    struct Case {
        std::int64_t after;
        ActionState state;
        std::int64_t since;
    } const cases[] = {{0, ActionState::created, 0},  {9, ActionState::created, 0},
                       {10, ActionState::pending, 10}, {29, ActionState::pending, 10},
                       {30, ActionState::running, 30}, {119, ActionState::running, 30},
                       {120, ActionState::succeeded, 120}, {100000, ActionState::succeeded, 120}};
    for (const auto &c : cases) {
        SCOPED_TRACE(c.after);
        ActionProgress p = action_progress(r, start.plus_seconds(c.after), t);
        EXPECT_EQ(p.state, c.state);
        EXPECT_EQ(p.last_modified, start.plus_seconds(c.since));
    }
    // Zero durations go straight to succeeded.
    EXPECT_EQ(action_progress(r, start, ActionTimings{0, 0, 0}).state, ActionState::succeeded);
}

TEST(ActionNames, AreCsdlMemberNames) {
    EXPECT_EQ(to_string(ActionState::created), "created");
    EXPECT_EQ(to_string(ActionState::pending), "pending");
    EXPECT_EQ(to_string(ActionState::running), "running");
    EXPECT_EQ(to_string(ActionState::succeeded), "succeeded");
    EXPECT_EQ(to_string(ActionType::configure_agent), "configureAgent");
    EXPECT_EQ(to_string(ActionType::deploy_agent), "deployAgent");
    EXPECT_EQ(to_string(AuthenticatedMethod::normal_user), "normalUser");
    EXPECT_EQ(to_string(AuthenticatedMethod::guest_user), "guestUser");
}

TEST(ActionReports, RecordWhoDidWhat) {
    Caller member;
    member.kind = CallerKind::delegated;
    member.user_principal_name = "admin@contoso.com";
    member.app_id = "app-1";
    const Instant now = Instant::from_seconds(5);
    AgentSetting setting{"https://c.com/a.exe", kSha, {}, false};
    ActionReport c = configure_agent_report(member, setting, now);
    EXPECT_EQ(c.action_type, ActionType::configure_agent);
    EXPECT_FALSE(c.activity_id.has_value());
    EXPECT_EQ(c.cloud_pc_id, "");
    EXPECT_EQ(c.agent_setting, setting);
    EXPECT_EQ(c.authenticated_method, AuthenticatedMethod::normal_user);
    EXPECT_EQ(c.authenticated_user_principal_name, "admin@contoso.com");
    EXPECT_EQ(c.authenticated_app_id, "app-1");
    EXPECT_EQ(c.created_at, now);

    Caller guest;
    guest.kind = CallerKind::delegated;
    guest.guest = true;
    auto d = deploy_agent_reports(guest, "act-1", {"pc-1", "pc-2"}, now);
    ASSERT_EQ(d.size(), 2u);
    for (std::size_t i = 0; i < d.size(); ++i) {
        EXPECT_EQ(d[i].action_type, ActionType::deploy_agent);
        EXPECT_EQ(d[i].activity_id, "act-1");
        EXPECT_FALSE(d[i].agent_setting.has_value());
        EXPECT_EQ(d[i].authenticated_method, AuthenticatedMethod::guest_user);
        EXPECT_EQ(d[i].authenticated_app_id, "");  // "" when the token had none
        EXPECT_FALSE(d[i].authenticated_user_principal_name.has_value());
    }
    EXPECT_EQ(d[0].cloud_pc_id, "pc-1");
    EXPECT_EQ(d[1].cloud_pc_id, "pc-2");
}

}  // namespace
}  // namespace cpep
