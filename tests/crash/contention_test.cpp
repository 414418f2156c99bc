// Lock contention (issue 4): 16 threads x 2,000 mixed operations on one engine (creates, gets,
// lists, patches, deletes, heartbeats), two tenants. Each thread owns its partnerIds and keeps a
// model of them, so every answer is predictable exactly: the status of each request, and at the
// end the collection count ($count=true), the listed ids and each entity's state. No 5xx.
// (The cross-process CPEP_ELOCKED case is covered by tests/c/lock_test.cpp and, with a writer
// under load, by kill_test.cpp.)
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cpep.h"
#include "support.h"

namespace cpep_test {
namespace {

constexpr unsigned kThreads = 16;
constexpr unsigned kOpsPerThread = 2000;
constexpr const char *kTenantB = "5f0a9a1c-3b7e-4b3f-9d43-2c6e0a1f7b11";

std::string app_caller(std::string_view tenant, std::string_view role) {
    return nlohmann::json{{"tid", tenant}, {"idtyp", "app"}, {"roles", {role}}}.dump();
}

struct Entity {
    std::string id;
    bool enable = false;
    bool heartbeat = false;  // a heartbeat since the connection was last enabled
    bool deleted = false;
};

struct ThreadState {
    std::string tenant;
    std::map<std::string, Entity> entities;  // partnerId -> entity
    std::vector<std::string> failures;
    std::map<std::string, long long> counts;  // "<op> <status>" -> n
};

std::string expected_status_text(const Entity &e) {
    if (!e.enable) return "notAvailable";
    return e.heartbeat ? "healthy" : "available";
}

class Worker {
public:
    Worker(cpep_engine *engine, unsigned index, ThreadState &state)
        : engine_(engine), index_(index), s_(state), rng_(0xC0FFEEu + index),
          writer_(app_caller(state.tenant, "CloudPC.ReadWrite.All")),
          partner_(app_caller(state.tenant, "CloudPC.PartnerReadWrite.All")) {}

    void run() {
        for (unsigned i = 0; i < kOpsPerThread; ++i) step(i);
        cpep_buf_dispose(&out_);
    }

private:
    int call(const char *method, const std::string &url, const std::string &caller, const std::string &body) {
        const int status = cpep_request(&out_, engine_, method, url.c_str(), caller.c_str(), body.data(), body.size());
        ++s_.counts[std::string(method) + " " + std::to_string(status)];
        return status;
    }
    nlohmann::json body_json() const {
        return out_.ptr ? nlohmann::json::parse(out_.ptr, out_.ptr + out_.size, nullptr, false) : nlohmann::json();
    }
    void expect(bool ok, const std::string &what, int status) {
        if (ok) return;
        s_.failures.push_back(what + ": got " + std::to_string(status) + " " +
                              (out_.ptr ? std::string(out_.ptr, out_.size) : std::string()));
    }
    // A random partnerId this thread created (live or deleted), or "" when there is none.
    std::string pick() {
        if (s_.entities.empty()) return {};
        auto it = s_.entities.begin();
        std::advance(it, static_cast<long>(rng_() % s_.entities.size()));
        return it->first;
    }
    static std::string url_of(const Entity &e) { return std::string(kPartners) + "/" + e.id; }

    void step(unsigned i) {
        const unsigned dice = static_cast<unsigned>(rng_() % 100);
        const std::string p = pick();
        if (p.empty() || dice < 30) {
            const std::string partner = numbered_guid(index_ + 1, i);
            const bool enable = rng_() % 3 != 0;
            const int status = call("POST", std::string(kPartners), writer_, partner_body(partner, enable));
            expect(status == 201, "create " + partner, status);
            if (status == 201) s_.entities[partner] = Entity{body_json().value("id", ""), enable, false, false};
            return;
        }
        Entity &e = s_.entities[p];
        if (dice < 33) {
            // A duplicate partnerId: 409 while it exists; once deleted, it may be created again.
            const int status = call("POST", std::string(kPartners), writer_, partner_body(p, e.enable));
            if (e.deleted) {
                expect(status == 201, "re-create " + p, status);
                if (status == 201) e = Entity{body_json().value("id", ""), e.enable, false, false};
            } else {
                expect(status == 409, "duplicate create " + p, status);
            }
        } else if (dice < 50) {
            const int status = call("GET", url_of(e), writer_, "");
            if (e.deleted) {
                expect(status == 404, "get deleted " + e.id, status);
            } else {
                const auto j = body_json();
                expect(status == 200 && j.value("partnerId", "") == p && j.value("enableConnection", !e.enable) == e.enable &&
                           j.value("connectionStatus", "") == expected_status_text(e),
                       "get " + e.id + " expecting enable=" + std::to_string(e.enable) + " " + expected_status_text(e),
                       status);
            }
        } else if (dice < 60) {
            const int status =
                call("GET", std::string(kPartners) + "?$filter=partnerId%20eq%20'" + p + "'&$count=true", writer_, "");
            const auto j = body_json();
            const long long want = e.deleted ? 0 : 1;
            expect(status == 200 && j.value("@odata.count", -1LL) == want && j.contains("value") &&
                       j["value"].size() == static_cast<std::size_t>(want) &&
                       (want == 0 || j["value"][0].value("id", "") == e.id),
                   "list partnerId " + p, status);
        } else if (dice < 75) {
            const bool next = !e.enable;
            const int status = call("PATCH", url_of(e), writer_, next ? R"({"enableConnection":true})" : R"({"enableConnection":false})");
            if (e.deleted) {
                expect(status == 404, "patch deleted " + e.id, status);
            } else {
                expect(status == 200 && body_json().value("enableConnection", !next) == next, "patch " + e.id, status);
                if (status == 200) {
                    e.enable = next;
                    e.heartbeat = false;
                }
            }
        } else if (dice < 85) {
            const int status = call("DELETE", url_of(e), writer_, "");
            if (e.deleted) {
                expect(status == 404, "delete deleted " + e.id, status);
            } else {
                expect(status == 204, "delete " + e.id, status);
                if (status == 204) e.deleted = true;
            }
        } else {
            const int status = call("POST", "/partnerApi/heartbeat", partner_, "{\"partnerId\":\"" + p + "\"}");
            if (e.deleted) {
                expect(status == 404, "heartbeat deleted " + p, status);
            } else if (!e.enable) {
                expect(status == 409, "heartbeat disabled " + p, status);
            } else {
                expect(status == 204, "heartbeat " + p, status);
                if (status == 204) e.heartbeat = true;
            }
        }
    }

    cpep_engine *engine_;
    unsigned index_;
    ThreadState &s_;
    std::mt19937_64 rng_;
    std::string writer_, partner_;
    cpep_buf out_ = CPEP_BUF_INIT;
};

// Every entity of a tenant, following @odata.nextLink; also returns the first page's count.
std::map<std::string, nlohmann::json> list_all(Engine &engine, const std::string &caller, long long &count) {
    std::map<std::string, nlohmann::json> out;
    std::string url = std::string(kPartners) + "?$count=true";
    count = -1;
    for (int page = 0; page < 10000 && !url.empty(); ++page) {
        Buf buf;
        const int status = engine.request(buf, "GET", url, caller.c_str(), "");
        EXPECT_EQ(status, 200) << buf.str();
        if (status != 200) break;
        const auto j = buf.json();
        if (page == 0) count = j.value("@odata.count", -1LL);
        for (const auto &e : j["value"]) out[e.value("id", "")] = e;
        url = j.value("@odata.nextLink", "");
    }
    return out;
}

TEST(Contention, SixteenThreadsMixedOperationsOnAFile) {
    TempDir dir;
    const std::string path = dir.file("contention.db");
    Engine engine;
    ASSERT_EQ(engine.open(path, R"({"durability":"normal"})"), CPEP_OK) << cpep_error_last();
    std::vector<ThreadState> states(kThreads);
    for (unsigned t = 0; t < kThreads; ++t) states[t].tenant = t % 2 ? std::string(kTenantB) : std::string(kTenant);

    std::vector<std::thread> threads;
    for (unsigned t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] { Worker(engine.get(), t, states[t]).run(); });
    for (auto &thread : threads) thread.join();

    std::map<std::string, long long> counts;
    std::size_t failures = 0;
    for (const auto &s : states) {
        for (const auto &[k, n] : s.counts) counts[k] += n;
        failures += s.failures.size();
        for (std::size_t i = 0; i < s.failures.size() && i < 3; ++i) ADD_FAILURE() << s.failures[i];
    }
    EXPECT_EQ(failures, 0u);
    long long total = 0, server_errors = 0;
    std::string summary;
    for (const auto &[k, n] : counts) {
        total += n;
        if (k.size() >= 3 && k[k.size() - 3] == '5') server_errors += n;
        summary += k + "=" + std::to_string(n) + " ";
    }
    std::cout << "[ ops      ] " << summary << std::endl;
    EXPECT_EQ(total, static_cast<long long>(kThreads) * kOpsPerThread);
    EXPECT_EQ(server_errors, 0);

    // The final state equals the model, per tenant and per entity.
    long long live_total = 0;
    for (const std::string &tenant : {std::string(kTenant), std::string(kTenantB)}) {
        std::map<std::string, const Entity *> want;  // id -> entity
        std::map<std::string, std::string> partner_of;
        for (const auto &s : states)
            if (s.tenant == tenant)
                for (const auto &[p, e] : s.entities)
                    if (!e.deleted) {
                        want[e.id] = &e;
                        partner_of[e.id] = p;
                    }
        live_total += static_cast<long long>(want.size());
        long long count = -1;
        const auto got = list_all(engine, app_caller(tenant, "CloudPC.Read.All"), count);
        EXPECT_EQ(count, static_cast<long long>(want.size())) << "tenant " << tenant;
        EXPECT_EQ(got.size(), want.size()) << "tenant " << tenant;
        std::size_t mismatches = 0;
        for (const auto &[id, e] : want) {
            const auto it = got.find(id);
            if (it == got.end()) {
                if (++mismatches <= 3) ADD_FAILURE() << "missing " << id;
                continue;
            }
            const auto &j = it->second;
            if (j.value("partnerId", "") != partner_of[id] || j.value("enableConnection", !e->enable) != e->enable ||
                j.value("connectionStatus", "") != expected_status_text(*e))
                if (++mismatches <= 3) ADD_FAILURE() << "state of " << id << ": " << j.dump();
        }
        EXPECT_EQ(mismatches, 0u);
    }
    std::cout << "[ final    ] live entities=" << live_total << " across 2 tenants" << std::endl;
    engine.close();
    EXPECT_EQ(count_partner_rows(path), live_total);
}

}  // namespace
}  // namespace cpep_test
