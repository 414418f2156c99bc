#pragma once
// Shared vocabulary of the engine tests: callers (claim sets), requests through Engine::request,
// the frozen clock, Graph error checks, temporary files and raw SQLite access.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bindings/engine.h"
#include "core/guid.h"
#include "core/instant.h"

namespace cpep::engine_test {

using json = nlohmann::json;

inline const std::string kTenantA = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";
inline const std::string kTenantB = "0d5a54f1-3c8b-4e1e-9b0e-6f5b8a1c2d3e";
inline const std::string kPersonalTenant = "9188040d-6c67-4c5b-b112-36a304b66dad";
inline const std::string kGlobalAdmin = "62e90394-69f5-4237-9190-012177145e10";
inline const std::string kW365Admin = "11451d60-acb2-45eb-a7d6-43d0f0125c13";
inline const std::string kAdminAppId = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

inline const std::string kRoot = "https://graph.microsoft.com/beta";
inline const std::string kCollection = "/deviceManagement/virtualEndpoint/externalPartners";
inline const std::string kHeartbeat = "/partnerApi/heartbeat";
inline const std::string kCollectionContext =
    "https://graph.microsoft.com/beta/$metadata#deviceManagement/virtualEndpoint/externalPartners";
inline const std::string kEntityContext = kCollectionContext + "/$entity";
inline const std::string kPartnerType = "#microsoft.graph.cloudPcExternalPartner";

// ---- callers ------------------------------------------------------------------------------

inline std::string delegated(const std::string &tid, const std::string &scp, std::vector<std::string> wids = {},
                             json extra = json::object()) {
    json c = {{"tid", tid}, {"idtyp", "user"}, {"scp", scp}, {"oid", "5f1d2c3b-0000-4000-8000-00000000000a"}};
    if (!wids.empty()) c["wids"] = wids;
    for (auto &[k, v] : extra.items()) c[k] = v;
    return c.dump();
}

inline std::string application(const std::string &tid, std::vector<std::string> roles, json extra = json::object()) {
    json c = {{"tid", tid}, {"idtyp", "app"}, {"roles", roles}, {"oid", "5f1d2c3b-0000-4000-8000-00000000000b"}};
    for (auto &[k, v] : extra.items()) c[k] = v;
    return c.dump();
}

// A Global Administrator with CloudPC.ReadWrite.All: may do everything but send heartbeats.
inline std::string admin(const std::string &tid) {
    return delegated(tid, "CloudPC.ReadWrite.All openid", {kGlobalAdmin},
                     {{"upn", "admin@contoso.com"}, {"appid", kAdminAppId}});
}
// A Windows 365 Administrator with CloudPC.ReadWrite.All: may deploy, not configure.
inline std::string deployer(const std::string &tid) {
    return delegated(tid, "CloudPC.ReadWrite.All", {kW365Admin}, {{"upn", "w365@contoso.com"}, {"appid", kAdminAppId}});
}
inline std::string reader(const std::string &tid) { return delegated(tid, "CloudPC.Read.All"); }
inline std::string app_writer(const std::string &tid) { return application(tid, {"CloudPC.ReadWrite.All"}); }
inline std::string partner_app(const std::string &tid) { return application(tid, {"CloudPC.PartnerReadWrite.All"}); }

// ---- clock and engines ---------------------------------------------------------------------

inline constexpr std::string_view kT0 = "2024-05-01T10:00:00Z";

// The instant `seconds` after kT0, in the engine's wire form.
inline std::string at(std::int64_t seconds) { return format_iso8601(parse_iso8601(kT0)->plus_seconds(seconds)); }

// Options with the clock frozen `seconds` after kT0; `extra` adds or overrides keys.
inline std::string options_at(std::int64_t seconds, json extra = json::object()) {
    json o = {{"now", at(seconds)}, {"durability", "normal"}};
    for (auto &[k, v] : extra.items()) o[k] = v;
    return o.dump();
}

inline std::unique_ptr<Engine> open_engine(const std::string &path, std::int64_t seconds = 0,
                                           json extra = json::object()) {
    return std::make_unique<Engine>(path, options_at(seconds, std::move(extra)));
}

inline std::unique_ptr<Engine> memory_engine(std::int64_t seconds = 0, json extra = json::object()) {
    return open_engine(":memory:", seconds, std::move(extra));
}

// A fresh directory under $TMPDIR, removed with everything in it at the end of the test.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "cpep-engine-test-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    std::string file(const std::string &name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// ---- requests ------------------------------------------------------------------------------

struct Reply {
    int status = 0;
    std::string body;
    // The body as JSON; throws (failing the test) when it is not JSON.
    json doc() const { return json::parse(body); }
};

inline Reply send(Engine &e, std::string_view method, std::string_view url, std::string_view caller,
                  std::string_view body = {}) {
    Response r = e.request(method, url, caller, body);
    return {r.status, std::move(r.body)};
}

// A body cut short for failure messages.
inline std::string excerpt(const std::string &body, std::size_t limit = 400) {
    return body.size() <= limit ? body : body.substr(0, limit) + "... (" + std::to_string(body.size()) + " bytes)";
}

inline std::ostream &operator<<(std::ostream &os, const Reply &r) { return os << r.status << " " << excerpt(r.body); }

inline std::string entity_path(const std::string &id) { return kCollection + "/" + id; }
inline std::string configure_path(const std::string &id) { return entity_path(id) + "/configureAgent"; }
inline std::string deploy_path(const std::string &id) { return entity_path(id) + "/deployAgent"; }
inline std::string reports_path(const std::string &id) { return entity_path(id) + "/retrieveActionReports"; }
inline std::string results_path(const std::string &id, const std::string &activity = "", const std::string &pc = "") {
    return entity_path(id) + "/retrieveDeployAgentActionResults(activityId='" + activity + "',cloudPcId='" + pc + "')";
}

// A GUID unique per (tag, n): tags keep partnerIds, Cloud PC ids, ... of different roles apart.
inline std::string guid(std::uint32_t tag, std::uint64_t n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-0000-4000-8000-%012llx", tag, static_cast<unsigned long long>(n));
    return buf;
}

inline std::string upper(std::string s) {
    for (char &c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

// Creates an external partner and returns the 201 entity; throws when the create fails.
inline json create(Engine &e, const std::string &caller, const std::string &partner_id, bool enable = true) {
    Reply r = send(e, "POST", kCollection, caller, json{{"partnerId", partner_id}, {"enableConnection", enable}}.dump());
    if (r.status != 201) throw std::runtime_error("create failed: " + std::to_string(r.status) + " " + r.body);
    return r.doc();
}

inline json get(Engine &e, const std::string &caller, const std::string &id) {
    Reply r = send(e, "GET", entity_path(id), caller);
    if (r.status != 200) throw std::runtime_error("GET failed: " + std::to_string(r.status) + " " + r.body);
    return r.doc();
}

inline json valid_agent_setting() {
    return {{"agentUrl", "https://partner.example.com/agents/agent-1.2.msi"},
            {"agentSha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}};
}

inline Reply configure(Engine &e, const std::string &caller, const std::string &id, json setting = valid_agent_setting()) {
    return send(e, "POST", configure_path(id), caller, json{{"agentSetting", std::move(setting)}}.dump());
}

inline Reply deploy(Engine &e, const std::string &caller, const std::string &id, const std::vector<std::string> &pcs) {
    return send(e, "POST", deploy_path(id), caller, json{{"cloudPcIds", pcs}}.dump());
}

inline Reply heartbeat(Engine &e, const std::string &caller, const std::string &partner_id) {
    return send(e, "POST", kHeartbeat, caller, json{{"partnerId", partner_id}}.dump());
}

// Follows @odata.nextLink from `first_url`, returning every page; throws on a non-200 page.
inline std::vector<json> read_pages(Engine &e, const std::string &caller, const std::string &first_url,
                                    std::size_t max_pages = 1000) {
    std::vector<json> pages;
    std::string url = first_url;
    while (pages.size() < max_pages) {
        Reply r = send(e, "GET", url, caller);
        if (r.status != 200) throw std::runtime_error("page read failed: " + url + " -> " + std::to_string(r.status) + " " + r.body);
        pages.push_back(r.doc());
        if (!pages.back().contains("@odata.nextLink")) break;
        url = pages.back()["@odata.nextLink"].get<std::string>();
    }
    return pages;
}

inline std::vector<json> all_values(const std::vector<json> &pages) {
    std::vector<json> out;
    for (const auto &p : pages)
        for (const auto &v : p["value"]) out.push_back(v);
    return out;
}

inline std::vector<std::string> ids_of(const std::vector<json> &entities) {
    std::vector<std::string> out;
    for (const auto &e : entities) out.push_back(e["id"].get<std::string>());
    return out;
}

inline std::set<std::string> keys_of(const json &object) {
    std::set<std::string> out;
    for (const auto &[k, v] : object.items()) out.insert(k);
    return out;
}

// ---- Graph errors --------------------------------------------------------------------------

// The Graph error body of CONTRACT §4 with this status, error.code and (when given) innerError.code.
inline void expect_graph_error(const Reply &r, int status, std::string_view code, std::string_view inner = {}) {
    EXPECT_EQ(r.status, status) << excerpt(r.body);
    json doc;
    try {
        doc = r.doc();
    } catch (const std::exception &) {
        ADD_FAILURE() << "error body is not JSON: " << excerpt(r.body);
        return;
    }
    ASSERT_TRUE(doc.is_object()) << excerpt(r.body);
    EXPECT_EQ(keys_of(doc), std::set<std::string>{"error"}) << excerpt(r.body);
    const json &e = doc["error"];
    ASSERT_TRUE(e.is_object()) << excerpt(r.body);
    EXPECT_EQ(keys_of(e), (std::set<std::string>{"code", "message", "innerError"})) << excerpt(r.body);
    EXPECT_EQ(e.value("code", ""), code) << excerpt(r.body);
    ASSERT_TRUE(e["message"].is_string()) << excerpt(r.body);
    EXPECT_FALSE(e["message"].get<std::string>().empty()) << excerpt(r.body);
    const json &inner_error = e["innerError"];
    ASSERT_TRUE(inner_error.is_object()) << excerpt(r.body);
    if (!inner.empty()) {
        EXPECT_EQ(inner_error.value("code", ""), inner) << excerpt(r.body);
    }
    ASSERT_TRUE(inner_error["date"].is_string()) << excerpt(r.body);
    EXPECT_EQ(inner_error["date"].get<std::string>().size(), 19u) << excerpt(r.body);
    ASSERT_TRUE(inner_error["request-id"].is_string()) << excerpt(r.body);
    EXPECT_TRUE(is_guid(inner_error["request-id"].get<std::string>())) << excerpt(r.body);
}

// The error body without its request-id, and with `echoed` (text the caller sent) replaced, so
// that two answers can be compared for indistinguishability.
inline json normalized_error(const Reply &r, const std::string &echoed = {}) {
    json doc = r.doc();
    doc["error"]["innerError"].erase("request-id");
    if (!echoed.empty()) {
        std::string m = doc["error"]["message"].get<std::string>();
        for (std::size_t p; (p = m.find(echoed)) != std::string::npos;) m.replace(p, echoed.size(), "<echo>");
        doc["error"]["message"] = m;
    }
    return doc;
}

// ---- raw SQLite --------------------------------------------------------------------------

// Direct access to a database file, for checking what the engine stored or building old schemas.
class RawDb {
public:
    explicit RawDb(const std::string &path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
            throw std::runtime_error("cannot open " + path);
    }
    ~RawDb() { sqlite3_close(db_); }
    RawDb(const RawDb &) = delete;
    RawDb &operator=(const RawDb &) = delete;

    void exec(const std::string &sql) {
        char *err = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
            std::string m = err ? err : "?";
            sqlite3_free(err);
            throw std::runtime_error("SQL failed: " + m + " in: " + sql);
        }
    }
    std::int64_t scalar(const std::string &sql) {
        sqlite3_stmt *s = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string("prepare failed: ") + sqlite3_errmsg(db_) + " in: " + sql);
        std::int64_t v = -1;
        if (sqlite3_step(s) == SQLITE_ROW) v = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        return v;
    }
    std::vector<std::string> strings(const std::string &sql) {
        sqlite3_stmt *s = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string("prepare failed: ") + sqlite3_errmsg(db_) + " in: " + sql);
        std::vector<std::string> out;
        while (sqlite3_step(s) == SQLITE_ROW) {
            const unsigned char *t = sqlite3_column_text(s, 0);
            out.emplace_back(t ? reinterpret_cast<const char *>(t) : "");
        }
        sqlite3_finalize(s);
        return out;
    }

    // Every cell of every row of a query, as text.
    std::vector<std::string> cells(const std::string &sql) {
        sqlite3_stmt *s = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
            throw std::runtime_error(std::string("prepare failed: ") + sqlite3_errmsg(db_) + " in: " + sql);
        std::vector<std::string> out;
        while (sqlite3_step(s) == SQLITE_ROW)
            for (int i = 0; i < sqlite3_column_count(s); ++i) {
                const unsigned char *t = sqlite3_column_text(s, i);
                if (t) out.emplace_back(reinterpret_cast<const char *>(t));
            }
        sqlite3_finalize(s);
        return out;
    }

private:
    sqlite3 *db_ = nullptr;
};

}  // namespace cpep::engine_test
