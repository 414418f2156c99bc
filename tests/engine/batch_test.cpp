// POST /$batch: Graph JSON batching through the same router.
#include <sqlite3.h>

#include <map>
#include <thread>

#include "engine_support.h"

namespace cpep::engine_test {
namespace {

json create_request(const std::string &id, const std::string &partner_id, json extra = json::object()) {
    json r = {{"id", id},
              {"method", "POST"},
              {"url", kCollection},
              {"headers", {{"Content-Type", "application/json"}}},
              {"body", {{"partnerId", partner_id}, {"enableConnection", true}}}};
    for (auto &[k, v] : extra.items()) r[k] = v;
    return r;
}

Reply batch(Engine &e, const std::string &caller, const json &requests) {
    return send(e, "POST", "/$batch", caller, json{{"requests", requests}}.dump());
}

std::map<std::string, json> by_id(const Reply &r) {
    std::map<std::string, json> out;
    const json doc = r.doc();  // named: a temporary would die before the loop body runs
    for (const json &x : doc["responses"]) out[x["id"].get<std::string>()] = x;
    return out;
}

TEST(Batch, TwentyCreatesAnswerOneResponseEachInOrder) {
    auto e = memory_engine();
    json requests = json::array();
    for (int i = 0; i < 20; ++i) requests.push_back(create_request("r" + std::to_string(i), guid(0xba, i)));
    Reply r = batch(*e, app_writer(kTenantA), requests);
    ASSERT_EQ(r.status, 200) << r;
    const json doc = r.doc();
    ASSERT_EQ(doc["responses"].size(), 20u);
    for (int i = 0; i < 20; ++i) {
        const json &x = doc["responses"][i];
        EXPECT_EQ(x["id"], "r" + std::to_string(i));
        EXPECT_EQ(x["status"], 201);
        EXPECT_EQ(x["headers"]["content-type"], "application/json");
        EXPECT_EQ(x["body"]["partnerId"], guid(0xba, i));
        EXPECT_EQ(x["body"]["@odata.context"], kEntityContext);
    }
    Reply list = send(*e, "GET", kCollection + "?$count=true", reader(kTenantA));
    EXPECT_EQ(list.doc()["@odata.count"], 20);
}

TEST(Batch, IndependentRequestsKeepIndependentOutcomes) {
    auto e = memory_engine();
    create(*e, app_writer(kTenantA), guid(0xbb, 0));
    json requests = json::array({create_request("ok1", guid(0xbb, 1)),
                                 create_request("dup-existing", guid(0xbb, 0)),
                                 create_request("bad", "not-a-guid"),
                                 create_request("ok2", guid(0xbb, 2)),
                                 create_request("dup-in-batch", guid(0xbb, 1)),
                                 {{"id", "get-missing"}, {"method", "GET"}, {"url", entity_path(guid(0xff, 1))}}});
    Reply r = batch(*e, app_writer(kTenantA), requests);
    ASSERT_EQ(r.status, 200) << r;
    auto x = by_id(r);
    EXPECT_EQ(x["ok1"]["status"], 201);
    EXPECT_EQ(x["ok2"]["status"], 201);
    EXPECT_EQ(x["dup-existing"]["status"], 409);
    EXPECT_EQ(x["dup-existing"]["body"]["error"]["innerError"]["code"], "partnerAlreadyExists");
    EXPECT_EQ(x["dup-in-batch"]["status"], 409);
    EXPECT_EQ(x["bad"]["status"], 400);
    EXPECT_EQ(x["get-missing"]["status"], 404);
    Reply list = send(*e, "GET", kCollection + "?$count=true", reader(kTenantA));
    EXPECT_EQ(list.doc()["@odata.count"], 3);
}

TEST(Batch, DependsOnRunsAfterItsDependencyAndAFailedDependencyAnswers424) {
    auto e = memory_engine();
    json requests = json::array(
        {create_request("a", guid(0xbc, 1)),
         {{"id", "count"}, {"method", "GET"}, {"url", kCollection + "?$count=true&$top=1"}, {"dependsOn", {"a"}}},
         create_request("bad", "nope"),
         {{"id", "after-bad"}, {"method", "GET"}, {"url", kCollection}, {"dependsOn", {"bad"}}},
         {{"id", "chain"}, {"method", "GET"}, {"url", kCollection}, {"dependsOn", {"after-bad"}}}});
    Reply r = batch(*e, app_writer(kTenantA), requests);
    ASSERT_EQ(r.status, 200) << r;
    auto x = by_id(r);
    EXPECT_EQ(x["a"]["status"], 201);
    EXPECT_EQ(x["count"]["status"], 200);
    EXPECT_EQ(x["count"]["body"]["@odata.count"], 1) << "the dependent GET did not see the create";
    EXPECT_EQ(x["bad"]["status"], 400);
    EXPECT_EQ(x["after-bad"]["status"], 424);
    EXPECT_EQ(x["after-bad"]["body"]["error"]["code"], "failedDependency");
    EXPECT_EQ(x["chain"]["status"], 424);
}

TEST(Batch, EachRequestIsAuthorisedOnItsOwn) {
    auto e = memory_engine();
    create(*e, app_writer(kTenantA), guid(0xbd, 0));
    json requests = json::array({create_request("create", guid(0xbd, 1)),
                                 {{"id", "list"}, {"method", "GET"}, {"url", kCollection}}});
    Reply r = batch(*e, reader(kTenantA), requests);
    ASSERT_EQ(r.status, 200) << r;
    auto x = by_id(r);
    EXPECT_EQ(x["create"]["status"], 403);
    EXPECT_EQ(x["list"]["status"], 200);
    EXPECT_EQ(x["list"]["body"]["value"].size(), 1u);
}

TEST(Batch, TheBatchItselfChecksTheCallerAndTheEnvelope) {
    auto e = memory_engine();
    const json one = json::array({create_request("a", guid(0xbe, 1))});
    expect_graph_error(batch(*e, "", one), 401, "InvalidAuthenticationToken");
    expect_graph_error(batch(*e, delegated(kPersonalTenant, "CloudPC.ReadWrite.All"), one), 403, "forbidden");
    expect_graph_error(send(*e, "GET", "/$batch", app_writer(kTenantA)), 405, "methodNotAllowed");

    json many = json::array();
    for (int i = 0; i < 21; ++i) many.push_back(create_request(std::to_string(i), guid(0xbe, 100 + i)));
    expect_graph_error(batch(*e, app_writer(kTenantA), many), 400, "badRequest");
    expect_graph_error(batch(*e, app_writer(kTenantA), json::array()), 400, "badRequest");
    expect_graph_error(batch(*e, app_writer(kTenantA), json::array({create_request("x", guid(0xbe, 2)),
                                                                    create_request("x", guid(0xbe, 3))})),
                       400, "badRequest");
    expect_graph_error(batch(*e, app_writer(kTenantA), json::array({create_request("x", guid(0xbe, 2), {{"dependsOn", {"later"}}}),
                                                                    create_request("later", guid(0xbe, 3))})),
                       400, "badRequest");
    expect_graph_error(batch(*e, app_writer(kTenantA), json::array({create_request("x", guid(0xbe, 2), {{"atomicityGroup", "g"}})})),
                       400, "badRequest");
    expect_graph_error(send(*e, "POST", "/$batch", app_writer(kTenantA), R"({"requests":[],"extra":1})"), 400, "badRequest");
    expect_graph_error(send(*e, "POST", "/$batch", app_writer(kTenantA), "[1,2"), 400, "badRequest");
    // None of the refused batches created anything.
    EXPECT_EQ(send(*e, "GET", kCollection + "?$count=true", reader(kTenantA)).doc()["@odata.count"], 0);

    Reply nested = batch(*e, app_writer(kTenantA), json::array({{{"id", "n"}, {"method", "POST"}, {"url", "/$batch"}, {"body", {{"requests", json::array()}}}}}));
    ASSERT_EQ(nested.status, 200) << nested;
    EXPECT_EQ(by_id(nested)["n"]["status"], 400);
}

TEST(Batch, SubRequestHeadersEchoTheClientRequestId) {
    auto e = memory_engine();
    Reply r = batch(*e, app_writer(kTenantA),
                    json::array({{{"id", "g"}, {"method", "GET"}, {"url", entity_path(guid(0xbf, 9))},
                                  {"headers", {{"client-request-id", "abc-123"}}}}}));
    ASSERT_EQ(r.status, 200) << r;
    EXPECT_EQ(by_id(r)["g"]["body"]["error"]["innerError"]["client-request-id"], "abc-123");
}

TEST(Batch, AStorageFailureFailsEveryCreateOfTheCommitAndCommitsNone) {
    TempDir dir;
    const std::string path = dir.file("batch.db");
    { open_engine(path); }
    {
        sqlite3 *db = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(db,
                               ("CREATE TRIGGER refuse BEFORE INSERT ON external_partner WHEN NEW.partner_id = '" +
                                guid(0xc0, 3) + "' BEGIN SELECT RAISE(ABORT, 'injected'); END")
                                   .c_str(),
                               nullptr, nullptr, nullptr),
                  SQLITE_OK);
        sqlite3_close(db);
    }
    auto e = open_engine(path);
    json requests = json::array();
    for (int i = 1; i <= 5; ++i) requests.push_back(create_request("r" + std::to_string(i), guid(0xc0, i)));
    Reply r = batch(*e, app_writer(kTenantA), requests);
    ASSERT_EQ(r.status, 200) << r;
    const json doc = r.doc();
    for (const json &x : doc["responses"]) {
        EXPECT_EQ(x["status"], 500) << x.dump();
        EXPECT_EQ(x["body"]["error"]["innerError"]["code"], "storageError");
    }
    EXPECT_EQ(send(*e, "GET", kCollection + "?$count=true", reader(kTenantA)).doc()["@odata.count"], 0);
    // The next request succeeds.
    EXPECT_EQ(send(*e, "POST", kCollection, app_writer(kTenantA), json{{"partnerId", guid(0xc0, 1)}, {"enableConnection", true}}.dump()).status, 201);
}

TEST(GroupCommit, ConcurrentCreatesAreEachAcknowledgedAndStored) {
    TempDir dir;
    const std::string path = dir.file("group.db");
    auto e = std::make_unique<Engine>(path, R"({"durability":"full"})");
    constexpr int kThreads = 8, kEach = 100;
    std::vector<std::thread> threads;
    std::vector<int> created(kThreads), conflicts(kThreads);
    for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < kEach; ++i) {
                // Every partnerId is wanted by two threads: exactly one of them may win it.
                const std::string body = json{{"partnerId", guid(0xc1, (t / 2) * kEach + i)}, {"enableConnection", true}}.dump();
                const int status = e->request("POST", kCollection, app_writer(kTenantA), body).status;
                if (status == 201) ++created[t];
                else if (status == 409) ++conflicts[t];
            }
        });
    for (auto &th : threads) th.join();
    int total_created = 0, total_conflicts = 0;
    for (int t = 0; t < kThreads; ++t) {
        total_created += created[t];
        total_conflicts += conflicts[t];
    }
    EXPECT_EQ(total_created, kThreads / 2 * kEach);
    EXPECT_EQ(total_conflicts, kThreads / 2 * kEach);
    e.reset();
    sqlite3 *db = nullptr;
    ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt *q = nullptr;
    ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT partner_id) FROM external_partner", -1, &q, nullptr), SQLITE_OK);
    ASSERT_EQ(sqlite3_step(q), SQLITE_ROW);
    EXPECT_EQ(sqlite3_column_int(q, 0), kThreads / 2 * kEach);
    EXPECT_EQ(sqlite3_column_int(q, 1), kThreads / 2 * kEach);
    sqlite3_finalize(q);
    sqlite3_close(db);
}

}  // namespace
}  // namespace cpep::engine_test
