// Upgrade in place: a database written by the foundation build (schema 1 only, with data) opens
// with the current engine, is migrated to the latest schema, and its rows take part in every route.
#include <fstream>
#include <sstream>

#include "engine_support.h"
#include "storage/migrations.h"

namespace cpep::engine_test {
namespace {

constexpr std::int64_t kCpepApplicationId = 1129334096;
static_assert(kCpepApplicationId == 0x43504550, "\"CPEP\"");

std::string read_text(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::int64_t micros(std::int64_t seconds_after_t0) { return parse_iso8601(kT0)->plus_seconds(seconds_after_t0).micros; }

// Ids of the rows written by "the foundation build".
const std::string kEnabledId = "3f1c0b2a-1111-4aaa-8bbb-000000000001";
const std::string kDisabledId = "3f1c0b2a-1111-4aaa-8bbb-000000000002";
const std::string kOtherTenantId = "3f1c0b2a-1111-4aaa-8bbb-000000000003";

class Upgrade : public ::testing::Test {
protected:
    TempDir dir;
    const std::string path = dir.file("foundation.sqlite");

    void SetUp() override {
        const auto migrations = storage::embedded_migrations();
        ASSERT_GE(migrations.size(), 2u);
        const storage::Migration &first = migrations[0];
        ASSERT_EQ(first.version, 1);
        // The embedded text is the landed file, byte for byte.
        ASSERT_EQ(std::string(first.sql), read_text(std::string(CPEP_SOURCE_DIR) + "/migrations/" + first.name));

        RawDb db(path);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("BEGIN IMMEDIATE");
        db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL,"
                " applied_at TEXT NOT NULL)");
        db.exec(first.sql);
        db.exec(std::string("INSERT INTO schema_migrations (version, name, sha256, applied_at) VALUES (1, '") + first.name +
                "', '" + first.sha256 + "', '2024-04-01T00:00:00.000Z')");
        db.exec("PRAGMA application_id = " + std::to_string(kCpepApplicationId));
        db.exec("PRAGMA user_version = 1");
        db.exec("INSERT INTO external_partner (id, tenant_id, partner_id, enable_connection, created_at, enabled_at) VALUES"
                " ('" + kEnabledId + "', '" + kTenantA + "', '" + guid(0xa, 1) + "', 1, " + std::to_string(micros(-7200)) + ", " +
                std::to_string(micros(-3600)) + "),"
                " ('" + kDisabledId + "', '" + kTenantA + "', '" + guid(0xa, 2) + "', 0, " + std::to_string(micros(-5000)) + ", NULL),"
                " ('" + kOtherTenantId + "', '" + kTenantB + "', '" + guid(0xb, 1) + "', 1, " + std::to_string(micros(-100)) + ", " +
                std::to_string(micros(-100)) + ")");
        db.exec("INSERT INTO engine_counter (name, value) VALUES ('entity_id', 3)");
        db.exec("COMMIT");
        ASSERT_EQ(db.scalar("PRAGMA user_version"), 1);
        ASSERT_EQ(db.scalar("SELECT count(*) FROM sqlite_schema WHERE name = 'action_result'"), 0);
    }
};

TEST_F(Upgrade, OldRowsAreReadableAndTheSchemaIsMigrated) {
    {
        auto e = open_engine(path, 0);
        json enabled = get(*e, reader(kTenantA), kEnabledId);
        EXPECT_EQ(enabled["partnerId"], guid(0xa, 1));
        EXPECT_EQ(enabled["enableConnection"], true);
        EXPECT_EQ(enabled["connectionStatus"], "available");
        EXPECT_EQ(enabled["lastSyncDateTime"], at(-3600));
        EXPECT_TRUE(enabled["agentSetting"].is_null());
        json disabled = get(*e, reader(kTenantA), upper(kDisabledId));
        EXPECT_EQ(disabled["connectionStatus"], "notAvailable");
        EXPECT_TRUE(disabled["lastSyncDateTime"].is_null());

        Reply list = send(*e, "GET", kCollection + "?$count=true", reader(kTenantA));
        ASSERT_EQ(list.status, 200) << list.body;
        EXPECT_EQ(ids_of(list.doc()["value"]), (std::vector<std::string>{kEnabledId, kDisabledId}));
        EXPECT_EQ(list.doc()["@odata.count"], 2);
        Reply list_b = send(*e, "GET", kCollection, reader(kTenantB));
        ASSERT_EQ(list_b.status, 200);
        EXPECT_EQ(ids_of(list_b.doc()["value"]), std::vector<std::string>{kOtherTenantId});
        expect_graph_error(send(*e, "GET", entity_path(kOtherTenantId), reader(kTenantA)), 404, "notFound");
    }
    RawDb db(path);
    const auto latest = static_cast<std::int64_t>(storage::embedded_migrations().size());
    EXPECT_EQ(db.scalar("PRAGMA user_version"), latest);
    EXPECT_EQ(db.scalar("PRAGMA application_id"), kCpepApplicationId);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM schema_migrations"), latest);
    EXPECT_EQ(db.scalar("SELECT max(version) FROM schema_migrations"), latest);
    for (const auto &m : storage::embedded_migrations())
        EXPECT_EQ(db.strings("SELECT sha256 FROM schema_migrations WHERE version = " + std::to_string(m.version)),
                  std::vector<std::string>{m.sha256});
    EXPECT_EQ(db.scalar("SELECT count(*) FROM external_partner"), 3);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM sqlite_schema WHERE name IN ('action_result', 'action_report')"), 2);
}

TEST_F(Upgrade, OldRowsTakePartInEveryRoute) {
    {
        auto e = open_engine(path, 0);
        ASSERT_EQ(heartbeat(*e, partner_app(kTenantA), guid(0xa, 1)).status, 204);
        const json healthy = get(*e, reader(kTenantA), kEnabledId);
        EXPECT_EQ(healthy["connectionStatus"], "healthy");
        EXPECT_EQ(healthy["lastSyncDateTime"], at(0));
        expect_graph_error(heartbeat(*e, partner_app(kTenantA), guid(0xa, 2)), 409, "conflict", "connectionDisabled");

        ASSERT_EQ(configure(*e, admin(kTenantA), kEnabledId).status, 204);
        ASSERT_EQ(configure(*e, admin(kTenantA), kDisabledId).status, 204);
        EXPECT_EQ(get(*e, reader(kTenantA), kEnabledId)["agentSetting"]["agentUrl"], valid_agent_setting()["agentUrl"]);
        Reply d = deploy(*e, deployer(kTenantA), kEnabledId, {guid(0xc, 1), guid(0xc, 2)});
        ASSERT_EQ(d.status, 200) << d.body;
        Reply results = send(*e, "GET", results_path(kEnabledId, d.doc()["value"]), reader(kTenantA));
        ASSERT_EQ(results.status, 200);
        EXPECT_EQ(results.doc()["value"].size(), 2u);
        Reply reports = send(*e, "GET", reports_path(kEnabledId), reader(kTenantA));
        ASSERT_EQ(reports.status, 200);
        EXPECT_EQ(reports.doc()["value"].size(), 3u);

        Reply patched = send(*e, "PATCH", entity_path(kDisabledId), admin(kTenantA), R"({"enableConnection": true})");
        ASSERT_EQ(patched.status, 200) << patched.body;
        EXPECT_EQ(patched.doc()["connectionStatus"], "available");
        EXPECT_EQ(patched.doc()["lastSyncDateTime"], at(0));

        // New entities come after the old ones, and their ids do not collide.
        const json fresh = create(*e, admin(kTenantA), guid(0xa, 3));
        Reply list = send(*e, "GET", kCollection, reader(kTenantA));
        EXPECT_EQ(ids_of(list.doc()["value"]), (std::vector<std::string>{kEnabledId, kDisabledId, fresh["id"]}));

        EXPECT_EQ(send(*e, "DELETE", entity_path(kOtherTenantId), admin(kTenantB)).status, 204);
    }
    // Reopening the upgraded database changes nothing, and the state persisted.
    auto e = open_engine(path, 60);
    EXPECT_EQ(get(*e, reader(kTenantA), kEnabledId)["connectionStatus"], "healthy");
    EXPECT_EQ(get(*e, reader(kTenantA), kEnabledId)["lastSyncDateTime"], at(0));
    expect_graph_error(send(*e, "GET", entity_path(kOtherTenantId), reader(kTenantB)), 404, "notFound");
    RawDb db(path);
    EXPECT_EQ(db.scalar("PRAGMA user_version"), static_cast<std::int64_t>(storage::embedded_migrations().size()));
}

}  // namespace
}  // namespace cpep::engine_test
