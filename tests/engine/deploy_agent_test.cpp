// POST …/{id}/deployAgent (CONTRACT §2 role row, §5 deployAgent, §4 precedence of 409s).
#include "engine_support.h"

namespace cpep::engine_test {
namespace {

std::vector<std::string> cloud_pcs(std::size_t n, std::uint64_t first = 1) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < n; ++i) out.push_back(guid(0xc, first + i));
    return out;
}

struct DeployAgent : ::testing::Test {
    std::unique_ptr<Engine> e = memory_engine();
    std::string id;
    void SetUp() override {
        id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
        if (configure(*e, admin(kTenantA), id).status != 204) throw std::runtime_error("configure failed");
    }
    // The number of action results and of reports of `partner`.
    std::pair<std::size_t, std::size_t> traces(const std::string &partner) {
        Reply results = send(*e, "GET", results_path(partner), reader(kTenantA));
        Reply reports = send(*e, "GET", reports_path(partner), reader(kTenantA));
        if (results.status != 200 || reports.status != 200) throw std::runtime_error(results.body + reports.body);
        return {results.doc()["value"].size(), reports.doc()["value"].size()};
    }
    void expect_refused(const std::string &body, int status = 400, std::string_view code = "badRequest",
                        std::string_view inner = {}) {
        SCOPED_TRACE(body.substr(0, 200));
        const auto before = traces(id);
        expect_graph_error(send(*e, "POST", deploy_path(id), admin(kTenantA), body), status, code, inner);
        EXPECT_EQ(traces(id), before);
    }
};

TEST_F(DeployAgent, AnswersTheActivityId) {
    Reply r = deploy(*e, admin(kTenantA), id, cloud_pcs(3));
    ASSERT_EQ(r.status, 200) << r.body;
    const json doc = r.doc();
    ASSERT_TRUE(doc["value"].is_string()) << r.body;
    const std::string activity = doc["value"];
    EXPECT_TRUE(is_guid(activity));
    EXPECT_EQ(canonical_guid(activity), activity);  // lowercase canonical
    for (const auto &[key, value] : doc.items()) EXPECT_TRUE(key == "value" || key == "@odata.context") << key;

    Reply second = deploy(*e, admin(kTenantA), id, cloud_pcs(1));
    ASSERT_EQ(second.status, 200);
    EXPECT_NE(second.doc()["value"], activity);
    EXPECT_EQ(traces(id), (std::pair<std::size_t, std::size_t>{4, 1 + 4}));
}

TEST_F(DeployAgent, AcceptsOneToFiftyDistinctGuids) {
    EXPECT_EQ(deploy(*e, admin(kTenantA), id, cloud_pcs(1)).status, 200);
    EXPECT_EQ(deploy(*e, admin(kTenantA), id, cloud_pcs(50, 100)).status, 200);
    // The same Cloud PC in two deployments is fine.
    EXPECT_EQ(deploy(*e, admin(kTenantA), id, cloud_pcs(1)).status, 200);
    EXPECT_EQ(traces(id).first, 52u);
    // Upper-case ids are stored lowercase.
    Reply r = deploy(*e, admin(kTenantA), id, {upper(guid(0xc, 999))});
    ASSERT_EQ(r.status, 200);
    Reply results = send(*e, "GET", results_path(id, r.doc()["value"]), reader(kTenantA));
    ASSERT_EQ(results.status, 200);
    ASSERT_EQ(results.doc()["value"].size(), 1u);
    EXPECT_EQ(results.doc()["value"][0]["cloudPcId"], guid(0xc, 999));
}

TEST_F(DeployAgent, WrongNumbersDuplicatesAndNonGuidsAre400) {
    expect_refused(json{{"cloudPcIds", json::array()}}.dump());
    expect_refused(json{{"cloudPcIds", cloud_pcs(51)}}.dump());
    expect_refused(json{{"cloudPcIds", {guid(0xc, 1), guid(0xc, 2), guid(0xc, 1)}}}.dump());
    expect_refused(json{{"cloudPcIds", {guid(0xc, 1), upper(guid(0xc, 1))}}}.dump());
    expect_refused(json{{"cloudPcIds", {guid(0xc, 1), "not-a-guid"}}}.dump());
    expect_refused(json{{"cloudPcIds", {guid(0xc, 1), 5}}}.dump());
    expect_refused(json{{"cloudPcIds", {guid(0xc, 1), nullptr}}}.dump());
    expect_refused(json{{"cloudPcIds", {"{" + guid(0xc, 1) + "}", guid(0xc, 2)}}}.dump());
    expect_refused(json{{"cloudPcIds", guid(0xc, 1)}}.dump());
    expect_refused(json{{"cloudPcIds", nullptr}}.dump());
    expect_refused("{}");
    expect_refused(json{{"cloudPcIds", cloud_pcs(1)}, {"extra", true}}.dump());
    expect_refused(json{{"cloudPCIds", cloud_pcs(1)}}.dump());
    for (const std::string body : {"", "not json", "[]", "{\"cloudPcIds\": [], \"cloudPcIds\": []}"}) expect_refused(body);
    expect_refused(std::string(1024 * 1024 + 1, ' '), 413, "requestEntityTooLarge");
    expect_graph_error(send(*e, "POST", deploy_path(id) + "?$top=1", admin(kTenantA), json{{"cloudPcIds", cloud_pcs(1)}}.dump()), 400,
                       "badRequest", "invalidQueryOption");
}

TEST_F(DeployAgent, DisabledConnectionIs409BeforeAMissingAgent) {
    const std::string bare = create(*e, admin(kTenantA), guid(0xa, 2), true)["id"];
    Reply r = deploy(*e, admin(kTenantA), bare, cloud_pcs(1));
    expect_graph_error(r, 409, "conflict", "agentNotConfigured");

    const std::string bare_disabled = create(*e, admin(kTenantA), guid(0xa, 3), false)["id"];
    expect_graph_error(deploy(*e, admin(kTenantA), bare_disabled, cloud_pcs(1)), 409, "conflict", "connectionDisabled");

    ASSERT_EQ(send(*e, "PATCH", entity_path(id), admin(kTenantA), R"({"enableConnection": false})").status, 200);
    expect_graph_error(deploy(*e, admin(kTenantA), id, cloud_pcs(1)), 409, "conflict", "connectionDisabled");

    for (const std::string &p : {bare, bare_disabled, id}) EXPECT_EQ(traces(p).first, 0u);
    EXPECT_EQ(traces(bare).second, 0u);
    EXPECT_EQ(traces(id).second, 1u);  // only the configureAgent report

    // Body problems come before state: a bad body on a disabled partner is 400.
    expect_graph_error(send(*e, "POST", deploy_path(id), admin(kTenantA), "{}"), 400, "badRequest");
    ASSERT_EQ(send(*e, "PATCH", entity_path(id), admin(kTenantA), R"({"enableConnection": true})").status, 200);
    EXPECT_EQ(deploy(*e, admin(kTenantA), id, cloud_pcs(1)).status, 200);
}

TEST_F(DeployAgent, NeedsADelegatedWindows365OrGlobalAdministratorWithReadWrite) {
    expect_graph_error(deploy(*e, app_writer(kTenantA), id, cloud_pcs(1)), 403, "forbidden", "applicationNotSupported");
    expect_graph_error(deploy(*e, delegated(kTenantA, "CloudPC.ReadWrite.All"), id, cloud_pcs(1)), 403, "forbidden", "missingRole");
    expect_graph_error(deploy(*e, delegated(kTenantA, "CloudPC.Read.All", {kW365Admin}), id, cloud_pcs(1)), 403, "forbidden",
                       "missingPermission");
    expect_graph_error(send(*e, "POST", deploy_path(id), app_writer(kTenantA), "not json"), 403, "forbidden");
    EXPECT_EQ(traces(id), (std::pair<std::size_t, std::size_t>{0, 1}));
    EXPECT_EQ(deploy(*e, deployer(kTenantA), id, cloud_pcs(1)).status, 200);
    EXPECT_EQ(deploy(*e, admin(kTenantA), id, cloud_pcs(1)).status, 200);
    EXPECT_EQ(deploy(*e, delegated(kTenantA, "CloudPC.ReadWrite.All", {upper(kW365Admin)}), id, cloud_pcs(1)).status, 200);
}

TEST_F(DeployAgent, UnknownOrAnotherTenantsIdIs404AfterTheBody) {
    const std::string theirs = create(*e, admin(kTenantB), guid(0xb, 1), true)["id"];
    ASSERT_EQ(configure(*e, admin(kTenantB), theirs).status, 204);
    const std::string unknown = guid(0xdead, 1);
    Reply other = deploy(*e, admin(kTenantA), theirs, cloud_pcs(1));
    expect_graph_error(other, 404, "notFound", "resourceNotFound");
    EXPECT_EQ(normalized_error(other, theirs), normalized_error(deploy(*e, admin(kTenantA), unknown, cloud_pcs(1)), unknown));
    expect_graph_error(deploy(*e, admin(kTenantA), "not-a-guid", cloud_pcs(1)), 404, "notFound");
    expect_graph_error(deploy(*e, admin(kTenantA), unknown, {}), 400, "badRequest");
    Reply results = send(*e, "GET", results_path(theirs), reader(kTenantB));
    ASSERT_EQ(results.status, 200);
    EXPECT_EQ(results.doc()["value"], json::array());
}

}  // namespace
}  // namespace cpep::engine_test
