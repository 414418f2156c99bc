// One engine shared by many threads (cpep.h: "one engine may be used from any number of threads
// at once"): every create answers 201, every id is distinct, every 201 is a committed row.
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cpep.h"
#include "support.h"

namespace cpep_test {
namespace {

constexpr unsigned kThreads = 8;
constexpr unsigned kCreatesPerThread = 500;

struct ThreadResult {
    std::vector<std::string> ids;
    std::vector<std::string> failures;  // "status body" of anything but a 201
};

TEST(Concurrency, EightThreadsCreateOnOneFileBackedEngine) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    Engine engine;
    ASSERT_EQ(engine.open(db, R"({"durability":"normal"})"), CPEP_OK) << cpep_error_last();

    std::vector<ThreadResult> results(kThreads);
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const std::string caller = app_writer();
            ThreadResult &r = results[t];
            r.ids.reserve(kCreatesPerThread);
            // Alternate the two entry points so both are exercised concurrently.
            for (unsigned i = 0; i < kCreatesPerThread; ++i) {
                const std::string body = partner_body(numbered_guid(t + 1, i), i % 3 != 0);
                cpep_buf out = CPEP_BUF_INIT;
                const int status =
                    i % 2 == 0 ? cpep_create_external_partner(&out, engine.get(), caller.c_str(), body.data(),
                                                              body.size())
                               : cpep_request(&out, engine.get(), "POST",
                                              "/deviceManagement/virtualEndpoint/externalPartners", caller.c_str(),
                                              body.data(), body.size());
                const std::string text = out.ptr ? std::string(out.ptr, out.size) : std::string();
                cpep_buf_dispose(&out);
                if (status != 201) {
                    r.failures.push_back(std::to_string(status) + " " + text);
                    continue;
                }
                const auto entity = nlohmann::json::parse(text, nullptr, false);
                if (!entity.is_object() || !entity.contains("id") || !entity["id"].is_string()) {
                    r.failures.push_back("201 without an id: " + text);
                    continue;
                }
                r.ids.push_back(entity["id"].get<std::string>());
            }
        });
    }
    for (auto &thread : threads) thread.join();

    std::set<std::string> distinct;
    std::size_t failures = 0;
    for (const auto &r : results) {
        distinct.insert(r.ids.begin(), r.ids.end());
        failures += r.failures.size();
        for (std::size_t i = 0; i < r.failures.size() && i < 3; ++i) ADD_FAILURE() << r.failures[i];
    }
    EXPECT_EQ(failures, 0u);
    EXPECT_EQ(distinct.size(), std::size_t{kThreads} * kCreatesPerThread);

    engine.close();
    EXPECT_EQ(count_partner_rows(db), static_cast<long long>(kThreads) * kCreatesPerThread);
}

TEST(Concurrency, ConcurrentDuplicatesCreateExactlyOne) {
    // Every thread races to create the same partnerIds: exactly one 201 per partnerId, the rest 409.
    TempDir dir;
    const std::string db = dir.file("partners.db");
    Engine engine;
    ASSERT_EQ(engine.open(db, R"({"durability":"normal"})"), CPEP_OK) << cpep_error_last();

    constexpr unsigned kPartnersRaced = 50;
    std::vector<std::vector<int>> statuses(kThreads);
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            const std::string caller = app_writer();
            for (unsigned i = 0; i < kPartnersRaced; ++i) {
                const std::string body = partner_body(numbered_guid(99, i));
                cpep_buf out = CPEP_BUF_INIT;
                statuses[t].push_back(
                    cpep_create_external_partner(&out, engine.get(), caller.c_str(), body.data(), body.size()));
                cpep_buf_dispose(&out);
            }
        });
    }
    for (auto &thread : threads) thread.join();
    for (unsigned i = 0; i < kPartnersRaced; ++i) {
        unsigned created = 0, conflicts = 0;
        for (unsigned t = 0; t < kThreads; ++t) {
            created += statuses[t][i] == 201;
            conflicts += statuses[t][i] == 409;
        }
        EXPECT_EQ(created, 1u) << "partner " << i;
        EXPECT_EQ(conflicts, kThreads - 1) << "partner " << i;
    }
    engine.close();
    EXPECT_EQ(count_partner_rows(db), kPartnersRaced);
}

}  // namespace
}  // namespace cpep_test
