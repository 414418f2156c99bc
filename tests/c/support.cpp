#include "support.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <set>

#include <sqlite3.h>

namespace cpep_test {

std::string app_writer() {
    return nlohmann::json{{"tid", kTenant}, {"idtyp", "app"}, {"roles", {"CloudPC.ReadWrite.All"}}}.dump();
}

std::string partner_body(std::string_view partner_id, bool enable) {
    return nlohmann::json{{"@odata.type", kODataType}, {"partnerId", partner_id}, {"enableConnection", enable}}
        .dump();
}

std::string numbered_guid(unsigned a, unsigned b) {
    char text[40];
    std::snprintf(text, sizeof text, "00000000-%04x-4000-8000-%012x", a & 0xffffu, b);
    return text;
}

bool is_lowercase_uuid(std::string_view text) {
    static const std::regex re("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    return std::regex_match(text.begin(), text.end(), re);
}

nlohmann::json Buf::json() const {
    if (!b.ptr) return nullptr;
    return nlohmann::json::parse(b.ptr, b.ptr + b.size, nullptr, false);
}

int Engine::open(const std::string &path, const std::string &options) {
    close();
    return cpep_open(&engine_, path.c_str(), options.empty() ? nullptr : options.c_str());
}

void Engine::close() {
    cpep_close(engine_);
    engine_ = nullptr;
}

int Engine::create(Buf &out, std::string_view body) {
    const std::string caller = app_writer();
    return cpep_create_external_partner(out.p(), engine_, caller.c_str(), body.data(), body.size());
}

int Engine::request(Buf &out, const char *method, const std::string &url, const char *caller,
                    std::string_view body) {
    return cpep_request(out.p(), engine_, method, url.c_str(), caller, body.data(), body.size());
}

TempDir::TempDir() {
    const char *base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/cpep-c-test-XXXXXX";
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

std::string expect_graph_error(const Buf &out, int status, int expected_status,
                               std::string_view expected_code) {
    EXPECT_EQ(status, expected_status) << out.str();
    const auto body = out.json();
    if (!body.is_object() || !body.contains("error") || !body["error"].is_object()) {
        ADD_FAILURE() << "not a Graph error body: " << out.str();
        return {};
    }
    const auto &error = body["error"];
    EXPECT_EQ(body.size(), 1u) << out.str();
    EXPECT_TRUE(error.contains("code") && error["code"].is_string()) << out.str();
    EXPECT_TRUE(error.contains("message") && error["message"].is_string() &&
                !error["message"].get<std::string>().empty())
        << out.str();
    if (!error.contains("innerError") || !error["innerError"].is_object()) {
        ADD_FAILURE() << "no innerError object: " << out.str();
    } else {
        const auto &inner = error["innerError"];
        static const std::regex date_re("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$");
        EXPECT_TRUE(inner.contains("date") && inner["date"].is_string() &&
                    std::regex_match(inner["date"].get<std::string>(), date_re))
            << "innerError.date must look like 2020-11-03T12:43:14: " << out.str();
        EXPECT_TRUE(inner.contains("request-id") && inner["request-id"].is_string() &&
                    is_lowercase_uuid(inner["request-id"].get<std::string>()))
            << out.str();
        if (inner.contains("code")) {
            EXPECT_TRUE(inner["code"].is_string() && !inner["code"].get<std::string>().empty()) << out.str();
        }
        // The C ABI carries no headers, so nothing may be echoed.
        EXPECT_FALSE(inner.contains("client-request-id")) << out.str();
        for (const auto &[key, value] : inner.items()) {
            static const std::set<std::string> known{"code", "date", "request-id", "client-request-id"};
            EXPECT_TRUE(known.count(key)) << "unexpected innerError key " << key << ": " << out.str();
        }
    }
    if (!error.contains("code") || !error["code"].is_string()) return {};
    const std::string code = error["code"].get<std::string>();
    EXPECT_EQ(code, expected_code) << out.str();
    return code;
}

void expect_created_entity(const nlohmann::json &entity, std::string_view partner_id_lowercase,
                           bool enable) {
    ASSERT_TRUE(entity.is_object()) << entity;
    const std::set<std::string> expected_keys{"@odata.context", "@odata.type",      "id",
                                              "partnerId",      "enableConnection", "lastSyncDateTime",
                                              "connectionStatus", "statusDetails",  "agentSetting"};
    std::set<std::string> keys;
    for (const auto &[key, value] : entity.items()) keys.insert(key);
    EXPECT_EQ(keys, expected_keys) << entity;
    EXPECT_EQ(entity.value("@odata.context", ""), kEntityContext);
    EXPECT_EQ(entity.value("@odata.type", ""), kODataType);
    ASSERT_TRUE(entity["id"].is_string()) << entity;
    EXPECT_TRUE(is_lowercase_uuid(entity["id"].get<std::string>())) << entity;
    EXPECT_EQ(entity.value("partnerId", ""), partner_id_lowercase);
    ASSERT_TRUE(entity["enableConnection"].is_boolean()) << entity;
    EXPECT_EQ(entity["enableConnection"].get<bool>(), enable);
    EXPECT_TRUE(entity["agentSetting"].is_null()) << entity;
    if (enable) {
        EXPECT_EQ(entity.value("connectionStatus", ""), "available");
        EXPECT_EQ(entity.value("statusDetails", ""), "The external partner is available");
    } else {
        EXPECT_EQ(entity.value("connectionStatus", ""), "notAvailable");
        EXPECT_EQ(entity.value("statusDetails", ""), "The external partner connection is disabled");
        EXPECT_TRUE(entity["lastSyncDateTime"].is_null()) << entity;
    }
}

long long count_partner_rows(const std::string &db_path) {
    sqlite3 *db = nullptr;
    long long count = -1;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt *stmt = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM external_partner", -1, &stmt, nullptr) == SQLITE_OK &&
            sqlite3_step(stmt) == SQLITE_ROW)
            count = sqlite3_column_int64(stmt, 0);
        sqlite3_finalize(stmt);
    }
    sqlite3_close(db);
    return count;
}

}  // namespace cpep_test
