// GET …/{id}/retrieveDeployAgentActionResults(activityId='…',cloudPcId='…') (CONTRACT §5): the
// parameter forms, filtering, the state machine on the engine clock, and paging.
#include "engine_support.h"

namespace cpep::engine_test {
namespace {

const std::set<std::string> kResultKeys = {"activityId",           "cloudPcId",     "errorCode", "errorMessage",
                                           "lastModifiedDateTime", "startDateTime", "state"};
const std::string kResultsContext =
    "https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.cloudPcExternalPartnerActionResult)";

using Pair = std::pair<std::string, std::string>;  // (activityId, cloudPcId)

std::multiset<Pair> pairs_of(const json &values) {
    std::multiset<Pair> out;
    for (const json &v : values) out.emplace(v["activityId"].get<std::string>(), v["cloudPcId"].get<std::string>());
    return out;
}

// Partner P of tenant A with two deployments: act1 to pc1, pc2; act2 to pc2, pc3.
struct Results : ::testing::Test {
    std::unique_ptr<Engine> e = memory_engine();
    std::string id, act1, act2;
    const std::string pc1 = guid(0xc, 1), pc2 = guid(0xc, 2), pc3 = guid(0xc, 3);
    void SetUp() override {
        id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
        if (configure(*e, admin(kTenantA), id).status != 204) throw std::runtime_error("configure");
        act1 = deploy(*e, admin(kTenantA), id, {pc1, pc2}).doc()["value"];
        act2 = deploy(*e, admin(kTenantA), id, {pc2, pc3}).doc()["value"];
    }
    Reply call(const std::string &function_and_query) {
        return send(*e, "GET", entity_path(id) + "/" + function_and_query, reader(kTenantA));
    }
    std::multiset<Pair> ok(const std::string &function_and_query) {
        Reply r = call(function_and_query);
        if (r.status != 200) throw std::runtime_error(function_and_query + " -> " + std::to_string(r.status) + " " + r.body);
        return pairs_of(r.doc()["value"]);
    }
    std::multiset<Pair> all() const { return {{act1, pc1}, {act1, pc2}, {act2, pc2}, {act2, pc3}}; }
};

TEST_F(Results, EmptyParametersMeanAny) {
    Reply r = call("retrieveDeployAgentActionResults(activityId='',cloudPcId='')");
    ASSERT_EQ(r.status, 200) << r.body;
    const json doc = r.doc();
    EXPECT_EQ(doc["@odata.context"], kResultsContext);
    EXPECT_FALSE(doc.contains("@odata.nextLink"));
    ASSERT_EQ(doc["value"].size(), 4u);
    for (const json &v : doc["value"]) {
        EXPECT_EQ(keys_of(v), kResultKeys);
        EXPECT_EQ(v["errorCode"], "none");
        EXPECT_EQ(v["state"], "created");
        EXPECT_EQ(v["startDateTime"], at(0));
        EXPECT_EQ(v["lastModifiedDateTime"], at(0));
    }
    EXPECT_EQ(pairs_of(doc["value"]), all());
    EXPECT_EQ(ok("retrieveDeployAgentActionResults()"), all());
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId='')"), all());
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(cloudPcId='')"), all());
}

TEST_F(Results, FilterByActivityCloudPcOrBoth) {
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId='" + act1 + "',cloudPcId='')"),
              (std::multiset<Pair>{{act1, pc1}, {act1, pc2}}));
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId='',cloudPcId='" + pc2 + "')"),
              (std::multiset<Pair>{{act1, pc2}, {act2, pc2}}));
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId='" + act2 + "',cloudPcId='" + pc2 + "')"),
              (std::multiset<Pair>{{act2, pc2}}));
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(cloudPcId='" + pc3 + "',activityId='" + act2 + "')"),
              (std::multiset<Pair>{{act2, pc3}}));
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId='" + upper(act1) + "',cloudPcId='" + upper(pc1) + "')"),
              (std::multiset<Pair>{{act1, pc1}}));
    EXPECT_TRUE(ok("retrieveDeployAgentActionResults(activityId='" + act1 + "',cloudPcId='" + pc3 + "')").empty());
    EXPECT_TRUE(ok("retrieveDeployAgentActionResults(activityId='" + guid(0xdead, 1) + "',cloudPcId='')").empty());
    EXPECT_TRUE(ok("retrieveDeployAgentActionResults(activityId='not-a-guid',cloudPcId='')").empty());
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId%3D%27" + act1 + "%27,cloudPcId%3D%27%27)"),
              (std::multiset<Pair>{{act1, pc1}, {act1, pc2}}));
}

TEST_F(Results, ParameterAliases) {
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId=@a,cloudPcId=@c)?@a='" + act1 + "'&@c=''"),
              (std::multiset<Pair>{{act1, pc1}, {act1, pc2}}));
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId=@a,cloudPcId=@c)?@a=''&@c='" + pc2 + "'"),
              (std::multiset<Pair>{{act1, pc2}, {act2, pc2}}));
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId=@a,cloudPcId='')?%40a=%27" + act2 + "%27"),
              (std::multiset<Pair>{{act2, pc2}, {act2, pc3}}));
    // Kiota: the quoted alias name, with the value in the query (quoted or not).
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId='@activityId',cloudPcId='@cloudPcId')?@activityId=" + act1 +
                 "&@cloudPcId="),
              (std::multiset<Pair>{{act1, pc1}, {act1, pc2}}));
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId='@activityId',cloudPcId='@cloudPcId')?%40activityId=" + act2 +
                 "&%40cloudPcId=" + pc3),
              (std::multiset<Pair>{{act2, pc3}}));
    EXPECT_EQ(ok("retrieveDeployAgentActionResults(activityId='@activityId',cloudPcId='@cloudPcId')?@activityId='" + act2 +
                 "'&@cloudPcId=''"),
              (std::multiset<Pair>{{act2, pc2}, {act2, pc3}}));
    expect_graph_error(call("retrieveDeployAgentActionResults(activityId=@a,cloudPcId='')"), 400, "badRequest", "invalidQueryOption");
}

TEST_F(Results, MalformedCallsAre400InvalidQueryOption) {
    for (const std::string &f : std::vector<std::string>{
             "retrieveDeployAgentActionResults(activityId=" + act1 + ",cloudPcId='')",
             "retrieveDeployAgentActionResults(activityId='" + act1 + ",cloudPcId='')",
             "retrieveDeployAgentActionResults(activity='',cloudPcId='')",
             "retrieveDeployAgentActionResults(activityId='',activityId='')",
             "retrieveDeployAgentActionResults(activityId='',cloudPcId='',extra='')",
             "retrieveDeployAgentActionResults(activityId='';cloudPcId='')",
             "retrieveDeployAgentActionResults(activityId)",
             "retrieveDeployAgentActionResults(activityId='',cloudPcId='')?$top=1",
             "retrieveDeployAgentActionResults(activityId='',cloudPcId='')?$filter=state eq 'created'",
             "retrieveDeployAgentActionResults(activityId='',cloudPcId='')?foo=1",
             "retrieveDeployAgentActionResults(activityId='',cloudPcId='')?$skiptoken=garbage",
             "retrieveDeployAgentActionResults(activityId='',cloudPcId='')?@a=''&@a=''",
         }) {
        SCOPED_TRACE(f);
        expect_graph_error(call(f), 400, "badRequest", "invalidQueryOption");
    }
}

TEST_F(Results, UnknownOrAnotherTenantsPartnerIs404) {
    const std::string theirs = create(*e, admin(kTenantB), guid(0xb, 1), true)["id"];
    ASSERT_EQ(configure(*e, admin(kTenantB), theirs).status, 204);
    ASSERT_EQ(deploy(*e, admin(kTenantB), theirs, {pc1}).status, 200);
    Reply other = send(*e, "GET", results_path(theirs), reader(kTenantA));
    expect_graph_error(other, 404, "notFound", "resourceNotFound");
    EXPECT_EQ(normalized_error(other, theirs), normalized_error(send(*e, "GET", results_path(guid(0xdead, 2)), reader(kTenantA)), guid(0xdead, 2)));
    // A's activity ids are not B's: B's partner shows only B's result.
    Reply b = send(*e, "GET", results_path(theirs, act1), reader(kTenantB));
    ASSERT_EQ(b.status, 200);
    EXPECT_EQ(b.doc()["value"], json::array());
}

TEST(ResultsOverTime, StateFollowsTheEngineClock) {
    TempDir dir;
    const std::string path = dir.file("db.sqlite");
    std::string id, activity;
    {
        auto e = open_engine(path, 0);
        id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
        ASSERT_EQ(configure(*e, admin(kTenantA), id).status, 204);
        Reply r = deploy(*e, admin(kTenantA), id, {guid(0xc, 1)});
        ASSERT_EQ(r.status, 200);
        activity = r.doc()["value"];
    }
    struct Step {
        std::int64_t seconds;
        const char *state;
        std::int64_t began;
    };
    for (const Step &s : {Step{0, "created", 0}, Step{9, "created", 0}, Step{10, "pending", 10}, Step{29, "pending", 10},
                          Step{30, "running", 30}, Step{119, "running", 30}, Step{120, "succeeded", 120},
                          Step{86400 * 30, "succeeded", 120}}) {
        SCOPED_TRACE(s.seconds);
        auto e = open_engine(path, s.seconds);
        Reply r = send(*e, "GET", results_path(id, activity), reader(kTenantA));
        ASSERT_EQ(r.status, 200) << r.body;
        ASSERT_EQ(r.doc()["value"].size(), 1u);
        const json v = r.doc()["value"][0];
        EXPECT_EQ(v["state"], s.state);
        EXPECT_EQ(v["startDateTime"], at(0));
        EXPECT_EQ(v["lastModifiedDateTime"], at(s.began));
        EXPECT_EQ(v["errorCode"], "none");
        EXPECT_EQ(v["activityId"], activity);
        EXPECT_EQ(v["cloudPcId"], guid(0xc, 1));
    }
}

TEST(ResultsOverTime, CustomDurationsAreHonoured) {
    TempDir dir;
    const std::string path = dir.file("db.sqlite");
    const json timings = {{"actionPendingAfterSeconds", 2}, {"actionRunningAfterSeconds", 5}, {"actionSucceededAfterSeconds", 7}};
    std::string id;
    {
        auto e = open_engine(path, 100, timings);
        id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
        ASSERT_EQ(configure(*e, admin(kTenantA), id).status, 204);
        ASSERT_EQ(deploy(*e, admin(kTenantA), id, {guid(0xc, 1)}).status, 200);
    }
    struct Step {
        std::int64_t seconds;
        const char *state;
        std::int64_t began;
    };
    for (const Step &s : {Step{101, "created", 100}, Step{102, "pending", 102}, Step{104, "pending", 102}, Step{105, "running", 105},
                          Step{106, "running", 105}, Step{107, "succeeded", 107}}) {
        SCOPED_TRACE(s.seconds);
        auto e = open_engine(path, s.seconds, timings);
        Reply r = send(*e, "GET", results_path(id), reader(kTenantA));
        ASSERT_EQ(r.status, 200) << r.body;
        const json v = r.doc()["value"][0];
        EXPECT_EQ(v["state"], s.state);
        EXPECT_EQ(v["startDateTime"], at(100));
        EXPECT_EQ(v["lastModifiedDateTime"], at(s.began));
    }
    // Zero durations: straight to succeeded at the deploy instant.
    auto e = open_engine(path, 100, {{"actionPendingAfterSeconds", 0}, {"actionRunningAfterSeconds", 0}, {"actionSucceededAfterSeconds", 0}});
    Reply r = send(*e, "GET", results_path(id), reader(kTenantA));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.doc()["value"][0]["state"], "succeeded");
    EXPECT_EQ(r.doc()["value"][0]["lastModifiedDateTime"], at(100));
}

TEST(ResultsPaging, HundredPerPageWithANextLinkTheRouterAccepts) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    ASSERT_EQ(configure(*e, admin(kTenantA), id).status, 204);
    std::vector<std::string> activities;
    std::multiset<Pair> expected;
    for (std::uint64_t d = 0; d < 3; ++d) {
        std::vector<std::string> pcs;
        for (std::uint64_t i = 0; i < 50; ++i) pcs.push_back(guid(0xc, d * 1000 + i));
        Reply r = deploy(*e, deployer(kTenantA), id, pcs);
        ASSERT_EQ(r.status, 200);
        activities.push_back(r.doc()["value"]);
        for (const auto &pc : pcs) expected.insert({activities.back(), pc});
    }

    const auto pages = read_pages(*e, reader(kTenantA), results_path(id));
    ASSERT_EQ(pages.size(), 2u);
    EXPECT_EQ(pages[0]["value"].size(), 100u);
    EXPECT_EQ(pages[1]["value"].size(), 50u);
    const std::string link = pages[0]["@odata.nextLink"];
    EXPECT_EQ(link.rfind(kRoot + entity_path(id) + "/retrieveDeployAgentActionResults(", 0), 0u) << link;
    EXPECT_FALSE(pages[1].contains("@odata.nextLink"));
    std::multiset<Pair> seen;
    for (const auto &p : pages) {
        EXPECT_EQ(p["@odata.context"], kResultsContext);
        for (const auto &pair : pairs_of(p["value"])) seen.insert(pair);
    }
    EXPECT_EQ(seen, expected);  // each exactly once
    // Deployment order is kept across pages.
    for (std::size_t i = 0; i < 50; ++i) EXPECT_EQ(pages[0]["value"][i]["activityId"], activities[0]);
    for (std::size_t i = 0; i < 50; ++i) EXPECT_EQ(pages[1]["value"][i]["activityId"], activities[2]);

    // A filtered read of 50 fits on one page.
    const auto filtered = read_pages(*e, reader(kTenantA), results_path(id, activities[1]));
    ASSERT_EQ(filtered.size(), 1u);
    EXPECT_EQ(filtered[0]["value"].size(), 50u);

    // The token is bound to its partner and its parameters, and refuses tampering.
    const std::string token = link.substr(link.find("$skiptoken=") + 11);
    const std::string other = create(*e, admin(kTenantA), guid(0xa, 2), true)["id"];
    expect_graph_error(send(*e, "GET", results_path(other) + "?$skiptoken=" + token, reader(kTenantA)), 400, "badRequest",
                       "invalidQueryOption");
    expect_graph_error(send(*e, "GET", results_path(id, activities[0]) + "?$skiptoken=" + token, reader(kTenantA)), 400, "badRequest",
                       "invalidQueryOption");
    expect_graph_error(send(*e, "GET", kCollection + "?$skiptoken=" + token, reader(kTenantA)), 400, "badRequest",
                       "invalidQueryOption");
    std::string tampered = token;
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    expect_graph_error(send(*e, "GET", results_path(id) + "?$skiptoken=" + tampered, reader(kTenantA)), 400, "badRequest",
                       "invalidQueryOption");
    // Another tenant cannot follow it: the partner is not theirs.
    expect_graph_error(send(*e, "GET", link, reader(kTenantB)), 404, "notFound");
}

}  // namespace
}  // namespace cpep::engine_test
