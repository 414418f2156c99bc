#include "storage/sqlite_partner_repository.h"

#include <sqlite3.h>

#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include "core/external_partner.h"
#include "storage/open_error.h"
#include "storage/partner_queries.h"
#include "temp_dir.h"

namespace cpep::storage {
namespace {

using cpep::testing::TempDir;

constexpr const char *kTenantA = "aaaaaaaa-0000-0000-0000-000000000001";
constexpr const char *kTenantB = "bbbbbbbb-0000-0000-0000-000000000002";
constexpr const char *kPartner = "198d7140-80bb-4843-8cc4-811377a49a92";

ExternalPartner partner(const std::string &id, const char *tenant, const char *partner_id, bool enabled = true) {
    return new_external_partner(id, tenant, partner_id, enabled, Instant{1'604'407'394'000'000});
}

std::string id(int n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
    return buf;
}

int count_rows(const std::string &path, const std::string &where = "1") {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT count(*) FROM external_partner WHERE " + where);
    q.executeStep();
    return q.getColumn(0).getInt();
}

TEST(SqlitePartnerRepository, PartnerIdIsUniquePerTenantOnly) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    {
        SqlitePartnerRepository repo({path});
        EXPECT_TRUE(repo.insert(partner(id(1), kTenantA, kPartner), 0));
        EXPECT_FALSE(repo.insert(partner(id(2), kTenantA, kPartner, false), 0));
        EXPECT_TRUE(repo.insert(partner(id(3), kTenantB, kPartner), 0));
    }
    EXPECT_EQ(count_rows(path), 2);
    EXPECT_EQ(count_rows(path, "id = '" + id(2) + "'"), 0);
}

TEST(SqlitePartnerRepository, TheSchemaItselfRefusesADuplicatePartnerIdInATenant) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    { SqlitePartnerRepository repo({path}); }
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    const std::string row = "INSERT INTO external_partner (id, tenant_id, partner_id, enable_connection, created_at, enabled_at) VALUES ";
    db.exec(row + "('" + id(1) + "', '" + kTenantA + "', '" + kPartner + "', 1, 0, 0)");
    EXPECT_THROW(db.exec(row + "('" + id(2) + "', '" + kTenantA + "', '" + kPartner + "', 0, 0, NULL)"), SQLite::Exception);
    EXPECT_THROW(db.exec(row + "('" + id(1) + "', '" + kTenantB + "', '" + kPartner + "', 0, 0, NULL)"), SQLite::Exception)
        << "ids are unique across tenants";
    EXPECT_THROW(db.exec(row + "('" + id(3) + "', '" + kTenantB + "', '" + kPartner + "', 1, 0, NULL)"), SQLite::Exception)
        << "enabled_at must be set exactly while the connection is enabled";
}

TEST(SqlitePartnerRepository, StoredFactsRoundTrip) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    {
        SqlitePartnerRepository repo({path});
        ASSERT_TRUE(repo.insert(partner(id(1), kTenantA, kPartner, true), 0));
        ASSERT_TRUE(repo.insert(partner(id(2), kTenantA, "298d7140-80bb-4843-8cc4-811377a49a92", false), 0));
    }
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement q(db, "SELECT id, tenant_id, partner_id, enable_connection, created_at, enabled_at "
                            "FROM external_partner ORDER BY seq");
    ASSERT_TRUE(q.executeStep());
    EXPECT_EQ(q.getColumn(0).getString(), id(1));
    EXPECT_EQ(q.getColumn(1).getString(), kTenantA);
    EXPECT_EQ(q.getColumn(2).getString(), kPartner);
    EXPECT_EQ(q.getColumn(3).getInt(), 1);
    EXPECT_EQ(q.getColumn(4).getInt64(), 1'604'407'394'000'000);
    EXPECT_EQ(q.getColumn(5).getInt64(), 1'604'407'394'000'000);
    ASSERT_TRUE(q.executeStep());
    EXPECT_EQ(q.getColumn(3).getInt(), 0);
    EXPECT_TRUE(q.getColumn(5).isNull());
}

TEST(SqlitePartnerRepository, FailedWriteRollsBackEverythingAndTheNextWriteSucceeds) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    { SqlitePartnerRepository repo({path}); }
    {
        // Make the second statement of the create transaction fail, after the row was inserted.
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("CREATE TRIGGER refuse_counter BEFORE INSERT ON engine_counter "
                "WHEN NEW.value = 7 BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    }
    {
        SqlitePartnerRepository repo({path});
        try {
            repo.insert(partner(id(1), kTenantA, kPartner), 7);
            FAIL() << "the injected failure did not surface";
        } catch (const StorageError &e) {
            EXPECT_EQ(e.kind(), StorageFailure::other);
        }
        EXPECT_EQ(repo.load_counter("entity_id"), 0);
        EXPECT_TRUE(repo.insert(partner(id(2), kTenantA, kPartner), 8)) << "the failed create left its row behind";
        EXPECT_EQ(repo.load_counter("entity_id"), 8);
    }
    EXPECT_EQ(count_rows(path), 1);
    EXPECT_EQ(count_rows(path, "id = '" + id(1) + "'"), 0);
}

TEST(SqlitePartnerRepository, IdCounterOnlyMovesForwardAndSurvivesReopening) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    {
        SqlitePartnerRepository repo({path});
        EXPECT_EQ(repo.load_counter("entity_id"), 0);
        ASSERT_TRUE(repo.insert(partner(id(1), kTenantA, kPartner), 5));
        ASSERT_TRUE(repo.insert(partner(id(2), kTenantB, kPartner), 3));
        EXPECT_EQ(repo.load_counter("entity_id"), 5);
    }
    SqlitePartnerRepository repo({path});
    EXPECT_EQ(repo.load_counter("entity_id"), 5);
}

TEST(SqlitePartnerRepository, InsertAllGivesEachRowItsOwnOutcomeInOneCommit) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    SqlitePartnerRepository repo({path});
    ASSERT_TRUE(repo.insert(partner(id(1), kTenantA, kPartner), 0));
    const ExternalPartner fresh = partner(id(2), kTenantA, "298d7140-80bb-4843-8cc4-811377a49a92");
    const ExternalPartner taken = partner(id(3), kTenantA, kPartner);
    const ExternalPartner twin = partner(id(4), kTenantA, "298d7140-80bb-4843-8cc4-811377a49a92");
    const ExternalPartner other_tenant = partner(id(5), kTenantB, kPartner);
    const auto outcome = repo.insert_all({{&fresh, 6}, {&taken, 7}, {&twin, 8}, {&other_tenant, 9}});
    EXPECT_EQ(outcome, (std::vector<bool>{true, false, false, true}));
    EXPECT_EQ(count_rows(path), 3);
    EXPECT_EQ(repo.load_counter("entity_id"), 9);
}

TEST(SqlitePartnerRepository, InsertAllCommitsNothingWhenOneRowFailsForAnotherReason) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    { SqlitePartnerRepository repo({path}); }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec(std::string("CREATE TRIGGER refuse BEFORE INSERT ON external_partner WHEN NEW.id = '") + id(3) +
                "' BEGIN SELECT RAISE(ABORT, 'injected'); END");
    }
    SqlitePartnerRepository repo({path});
    const ExternalPartner a = partner(id(1), kTenantA, "198d7140-80bb-4843-8cc4-000000000001");
    const ExternalPartner b = partner(id(2), kTenantA, "198d7140-80bb-4843-8cc4-000000000002");
    const ExternalPartner c = partner(id(3), kTenantA, "198d7140-80bb-4843-8cc4-000000000003");
    EXPECT_THROW(repo.insert_all({{&a, 1}, {&b, 2}, {&c, 3}}), StorageError);
    EXPECT_EQ(count_rows(path), 0);
    EXPECT_EQ(repo.load_counter("entity_id"), 0);
    EXPECT_EQ(repo.insert_all({{&a, 1}, {&b, 2}}), (std::vector<bool>{true, true}));
}

TEST(SqlitePartnerRepository, SecondRepositoryOnTheSameFileIsLockedOut) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    auto first = std::make_unique<SqlitePartnerRepository>(StorageOptions{path});
    try {
        SqlitePartnerRepository second({path});
        FAIL() << "two writers opened one file";
    } catch (const OpenError &e) {
        EXPECT_EQ(e.failure(), OpenFailure::locked);
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    first.reset();
    EXPECT_NO_THROW(SqlitePartnerRepository({path}));
}

TEST(SqlitePartnerRepository, InMemoryDatabasesAreIndependentAndUnlocked) {
    SqlitePartnerRepository a({":memory:"});
    SqlitePartnerRepository b({":memory:"});
    EXPECT_TRUE(a.insert(partner(id(1), kTenantA, kPartner), 0));
    EXPECT_TRUE(b.insert(partner(id(1), kTenantA, kPartner), 0));
}

TEST(SqlitePartnerRepository, MissingDirectoryIsAnIoError) {
    TempDir dir;
    try {
        SqlitePartnerRepository repo({dir.file("no/such/dir/a.db")});
        FAIL();
    } catch (const OpenError &e) {
        EXPECT_EQ(e.failure(), OpenFailure::io);
    }
}

TEST(SqlitePartnerRepository, CommittedCreateIsVisibleToAnotherConnectionInBothDurabilityModes) {
    for (Durability d : {Durability::full, Durability::normal}) {
        TempDir dir;
        const std::string path = dir.file("a.db");
        {
            SqlitePartnerRepository repo({path, d});
            ASSERT_TRUE(repo.insert(partner(id(1), kTenantA, kPartner), 0));
            EXPECT_EQ(count_rows(path), 1) << "a reader sees the commit while the writer is open";
        }
    }
}

// EXPLAIN QUERY PLAN's detail lines of `sql` on the engine's schema.
std::vector<std::string> query_plan(const std::string &path, const char *sql) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    SQLite::Statement q(db, std::string("EXPLAIN QUERY PLAN ") + sql);
    std::vector<std::string> details;
    while (q.executeStep()) details.push_back(q.getColumn(3).getString());
    return details;
}

std::string joined(const std::vector<std::string> &lines) {
    std::string out;
    for (const auto &l : lines) out += l + "; ";
    return out;
}

TEST(QueryPlans, ListAndCountNeverScanTheTable) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    { SqlitePartnerRepository repo({path}); }
    for (const char *sql : {sql::kListPartners, sql::kListPartnersByPartnerId, sql::kCountPartners,
                            sql::kCountPartnersByPartnerId}) {
        const auto plan = query_plan(path, sql);
        ASSERT_FALSE(plan.empty()) << sql;
        for (const auto &line : plan) {
            if (line.rfind("SCAN ", 0) == 0) {
                EXPECT_NE(line.find(" USING "), std::string::npos) << "a full table scan: " << line << "\n" << sql;
            }
        }
    }
}

TEST(QueryPlans, APartnerIdFilterUsesTheTenantPartnerIndex) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    { SqlitePartnerRepository repo({path}); }
    for (const char *sql : {sql::kListPartnersByPartnerId, sql::kCountPartnersByPartnerId}) {
        const std::string plan = joined(query_plan(path, sql));
        EXPECT_NE(plan.find("INDEX external_partner_tenant_partner (tenant_id=? AND partner_id=?)"), std::string::npos)
            << plan << "\n" << sql;
    }
    // The unfiltered list walks the tenant's rows in creation order on (tenant_id, seq).
    const std::string plan = joined(query_plan(path, sql::kListPartners));
    EXPECT_NE(plan.find("INDEX external_partner_tenant_seq (tenant_id=? AND seq>?)"), std::string::npos) << plan;
    EXPECT_EQ(plan.find("TEMP B-TREE"), std::string::npos) << plan;
}

TEST(QueryPlans, FilteredListsAndCountsAnswerTheSameRowsThroughTheRepository) {
    TempDir dir;
    SqlitePartnerRepository repo({dir.file("a.db")});
    const char *partners[] = {"00000000-0000-4000-8000-00000000000a", "00000000-0000-4000-8000-00000000000b",
                              "00000000-0000-4000-8000-00000000000c"};
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(repo.insert(partner(id(i + 1), kTenantA, partners[i], i != 1), 0));
    ASSERT_TRUE(repo.insert(partner(id(9), kTenantB, partners[1]), 0));
    PartnerFilter by_b;
    by_b.partner_id = partners[1];
    const auto rows = repo.list(kTenantA, by_b, 0, 0, 10);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].partner.id, id(2));
    EXPECT_EQ(repo.count(kTenantA, by_b), 1);
    by_b.enable_connection = true;  // partner b of tenant A is disabled
    EXPECT_TRUE(repo.list(kTenantA, by_b, 0, 0, 10).empty());
    EXPECT_EQ(repo.count(kTenantA, by_b), 0);
    by_b.enable_connection = false;
    EXPECT_EQ(repo.count(kTenantA, by_b), 1);
    EXPECT_TRUE(repo.list(kTenantA, by_b, rows[0].seq, 0, 10).empty());  // keyset: after its own seq
    EXPECT_TRUE(repo.list(kTenantA, by_b, 0, 1, 10).empty());            // skipped
    PartnerFilter enabled;
    enabled.enable_connection = true;
    EXPECT_EQ(repo.count(kTenantA, enabled), 2);
    EXPECT_EQ(repo.list(kTenantA, enabled, 0, 0, 10).size(), 2u);
    EXPECT_EQ(repo.count(kTenantA, {}), 3);
}

}  // namespace
}  // namespace cpep::storage
