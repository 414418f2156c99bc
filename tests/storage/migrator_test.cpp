#include "storage/migrator.h"

#include <sqlite3.h>

#include <fstream>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <gtest/gtest.h>

#include "core/external_partner.h"
#include "storage/open_error.h"
#include "storage/sqlite_partner_repository.h"
#include "temp_dir.h"

namespace cpep::storage {
namespace {

using cpep::testing::TempDir;

int query_int(SQLite::Database &db, const std::string &sql) {
    SQLite::Statement q(db, sql);
    EXPECT_TRUE(q.executeStep()) << sql;
    return q.getColumn(0).getInt();
}

SQLite::Database raw(const std::string &path) {
    return SQLite::Database(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
}

OpenFailure open_failure(const std::string &path, std::string *message = nullptr) {
    try {
        SqlitePartnerRepository repo({path});
    } catch (const OpenError &e) {
        if (message) *message = e.what();
        return e.failure();
    }
    ADD_FAILURE() << "open of " << path << " succeeded";
    return OpenFailure::io;
}

TEST(Migrator, EmptyDatabaseIsStampedAndMigratedToTheLatestVersion) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    { SqlitePartnerRepository repo({path}); }
    auto db = raw(path);
    const int latest = static_cast<int>(embedded_migrations().size());
    ASSERT_GE(latest, 1);
    EXPECT_EQ(query_int(db, "PRAGMA application_id"), kApplicationId);
    EXPECT_EQ(query_int(db, "PRAGMA user_version"), latest);
    EXPECT_EQ(query_int(db, "SELECT count(*) FROM schema_migrations"), latest);
    SQLite::Statement rows(db, "SELECT version, name, sha256 FROM schema_migrations ORDER BY version");
    for (const Migration &m : embedded_migrations()) {
        ASSERT_TRUE(rows.executeStep());
        EXPECT_EQ(rows.getColumn(0).getInt(), m.version);
        EXPECT_EQ(rows.getColumn(1).getString(), m.name);
        EXPECT_EQ(rows.getColumn(2).getString(), m.sha256);
        EXPECT_EQ(std::string(m.sha256).size(), 64u);
    }
    EXPECT_TRUE(db.tableExists("external_partner"));
    SQLite::Statement mode(db, "PRAGMA journal_mode");
    ASSERT_TRUE(mode.executeStep());
    EXPECT_EQ(mode.getColumn(0).getString(), "wal");  // WAL is persistent: the engine left it on
}

TEST(Migrator, ReopeningAppliesNothingTwiceAndKeepsData) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    {
        SqlitePartnerRepository repo({path});
        ASSERT_TRUE(repo.insert(new_external_partner("00000000-0000-4000-8000-000000000001",
                                                     "11111111-1111-1111-1111-111111111111",
                                                     "22222222-2222-2222-2222-222222222222", true, Instant{1}),
                                0));
    }
    { SqlitePartnerRepository repo({path}); }
    auto db = raw(path);
    EXPECT_EQ(query_int(db, "SELECT count(*) FROM schema_migrations"),
              static_cast<int>(embedded_migrations().size()));
    EXPECT_EQ(query_int(db, "SELECT count(*) FROM external_partner"), 1);
}

TEST(Migrator, DatabaseOfANewerVersionIsRefused) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    { SqlitePartnerRepository repo({path}); }
    { raw(path).exec("PRAGMA user_version = 999"); }
    std::string message;
    EXPECT_EQ(open_failure(path, &message), OpenFailure::schema);
    EXPECT_NE(message.find("newer version of cpep"), std::string::npos) << message;
    EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(Migrator, ForeignSqliteDatabaseIsRefusedAndLeftUntouched) {
    TempDir dir;
    const std::string path = dir.file("other.db");
    { raw(path).exec("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('keep me')"); }
    std::string message;
    EXPECT_EQ(open_failure(path, &message), OpenFailure::schema);
    EXPECT_NE(message.find("not a cpep database"), std::string::npos) << message;
    auto db = raw(path);
    EXPECT_EQ(query_int(db, "PRAGMA application_id"), 0);
    EXPECT_FALSE(db.tableExists("external_partner"));
    EXPECT_EQ(query_int(db, "SELECT count(*) FROM notes"), 1);
}

TEST(Migrator, DatabaseOfAnotherApplicationIdIsRefused) {
    TempDir dir;
    const std::string path = dir.file("other.db");
    { raw(path).exec("PRAGMA application_id = 1234"); }
    EXPECT_EQ(open_failure(path), OpenFailure::schema);
}

TEST(Migrator, FileThatIsNotSqliteIsRefused) {
    TempDir dir;
    const std::string path = dir.file("junk.db");
    {
        std::ofstream junk(path, std::ios::binary);
        for (int i = 0; i < 1000; ++i) junk << "this is not a database, just text " << i << '\n';
    }
    std::string message;
    EXPECT_EQ(open_failure(path, &message), OpenFailure::schema);
    EXPECT_NE(message.find("not an SQLite database"), std::string::npos) << message;
}

TEST(Migrator, EditedMigrationIsDetectedByChecksum) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    { SqlitePartnerRepository repo({path}); }
    std::vector<Migration> edited(embedded_migrations().begin(), embedded_migrations().end());
    edited[0].sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
    auto db = raw(path);
    try {
        migrate(db, path, edited);
        FAIL() << "an edited migration was accepted";
    } catch (const OpenError &e) {
        EXPECT_EQ(e.failure(), OpenFailure::schema);
        EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
    }
}

TEST(Migrator, FailingMigrationLeavesTheDatabaseAtThePreviousVersion) {
    TempDir dir;
    const std::string path = dir.file("a.db");
    const Migration good{1, "0001_good.sql", "1111111111111111111111111111111111111111111111111111111111111111",
                         "CREATE TABLE t1 (x INTEGER);"};
    const Migration bad{2, "0002_bad.sql", "2222222222222222222222222222222222222222222222222222222222222222",
                        "CREATE TABLE t2 (x INTEGER); INSERT INTO no_such_table VALUES (1);"};
    const std::vector<Migration> both{good, bad};
    auto db = raw(path);
    EXPECT_THROW(migrate(db, path, both), OpenError);
    EXPECT_EQ(query_int(db, "PRAGMA user_version"), 1);
    EXPECT_TRUE(db.tableExists("t1"));
    EXPECT_FALSE(db.tableExists("t2"));
    EXPECT_EQ(query_int(db, "SELECT count(*) FROM schema_migrations"), 1);
    EXPECT_TRUE(sqlite3_get_autocommit(db.getHandle())) << "a transaction was left open";
}

}  // namespace
}  // namespace cpep::storage
