// Storage failures that a C host can provoke without privileges: files that are not cpep
// databases (cpep_open codes), and a second SQLite connection that holds the write lock or
// makes inserts fail (HTTP 503 / 500 with Graph error bodies that reveal no internals).
#include <filesystem>
#include <fstream>
#include <string>

#include <sqlite3.h>

#include <gtest/gtest.h>

#include "cpep.h"
#include "support.h"

namespace cpep_test {
namespace {

// A plain SQLite connection to a file, for the test's own statements.
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
        char *error = nullptr;
        const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
        const std::string message = error ? error : "";
        sqlite3_free(error);
        if (rc != SQLITE_OK) throw std::runtime_error(sql + ": " + message);
    }

private:
    sqlite3 *db_ = nullptr;
};

void expect_open_fails(const std::string &path, int expected) {
    cpep_engine *engine = reinterpret_cast<cpep_engine *>(1);
    EXPECT_EQ(cpep_open(&engine, path.c_str(), nullptr), expected) << cpep_error_last();
    EXPECT_EQ(engine, nullptr);
    const std::string message = cpep_error_last();
    EXPECT_NE(message.find(path), std::string::npos) << "message does not name the file: " << message;
}

void expect_no_internals(const Buf &out, const std::string &db_path) {
    const std::string text = out.str();
    for (const std::string &needle : {db_path, std::string("partners.db"), std::string("SQLite"),
                                     std::string("sqlite"), std::string("INSERT"), std::string("external_partner"),
                                     std::string("secret-detail"), std::string("constraint failed")})
        EXPECT_EQ(text.find(needle), std::string::npos) << "'" << needle << "' leaked: " << text;
}

TEST(OpenFailures, NotAnSQLiteFile) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    std::ofstream(db) << std::string(8192, 'x');
    expect_open_fails(db, CPEP_ESCHEMA);
    expect_open_fails(db, CPEP_ESCHEMA);  // the failed open released the lock: not ELOCKED
}

TEST(OpenFailures, AnotherApplicationsDatabase) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    {
        RawDb raw(db);
        raw.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');");
    }
    expect_open_fails(db, CPEP_ESCHEMA);
}

TEST(OpenFailures, NewerSchemaVersion) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    {
        Engine engine;
        ASSERT_EQ(engine.open(db), CPEP_OK) << cpep_error_last();
    }
    {
        RawDb raw(db);
        raw.exec("PRAGMA user_version = 9999");
    }
    expect_open_fails(db, CPEP_ESCHEMA);
}

TEST(OpenFailures, EmptyFileIsANewDatabase) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    std::ofstream{db};
    Engine engine;
    ASSERT_EQ(engine.open(db), CPEP_OK) << cpep_error_last();
    Buf out;
    EXPECT_EQ(engine.create(out, partner_body(numbered_guid(12, 1))), 201) << out.str();
}

TEST(OpenFailures, LockFileCannotBeCreated) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    std::filesystem::create_directory(db + ".lock");  // refused even for root
    expect_open_fails(db, CPEP_EIO);
}

class StorageErrors : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = dir_.file("partners.db");
        ASSERT_EQ(engine_.open(db_, R"({"busyTimeoutMs":0,"durability":"normal"})"), CPEP_OK) << cpep_error_last();
    }

    TempDir dir_;
    std::string db_;
    Engine engine_;
};

TEST_F(StorageErrors, WriteLockHeldElsewhereIs503) {
    const std::string partner = numbered_guid(12, 2);
    {
        RawDb raw(db_);
        raw.exec("BEGIN IMMEDIATE");
        Buf out;
        expect_graph_error(out, engine_.create(out, partner_body(partner)), 503, "serviceUnavailable");
        EXPECT_EQ(out.json()["error"]["innerError"].value("code", ""), "storageBusy") << out.str();
        expect_no_internals(out, db_);
        Buf routed;
        const int status = engine_.request(routed, "POST", std::string(kPartners), app_writer().c_str(),
                                           partner_body(partner));
        expect_graph_error(routed, status, 503, "serviceUnavailable");
        raw.exec("COMMIT");
    }
    // Nothing was half-written, and the engine recovers.
    Buf out;
    EXPECT_EQ(engine_.create(out, partner_body(partner)), 201) << out.str();
}

TEST_F(StorageErrors, FailingInsertIs500WithoutInternals) {
    const std::string partner = numbered_guid(12, 3);
    {
        RawDb raw(db_);
        raw.exec("CREATE TRIGGER refuse BEFORE INSERT ON external_partner "
                 "BEGIN SELECT RAISE(ABORT, 'secret-detail'); END;");
    }
    Buf out;
    expect_graph_error(out, engine_.create(out, partner_body(partner)), 500, "internalServerError");
    EXPECT_EQ(out.json()["error"]["innerError"].value("code", ""), "storageError") << out.str();
    expect_no_internals(out, db_);
    {
        RawDb raw(db_);
        raw.exec("DROP TRIGGER refuse");
    }
    // The failed insert was rolled back and the engine still serves.
    Buf again;
    EXPECT_EQ(engine_.create(again, partner_body(partner)), 201) << again.str();
    engine_.close();
    EXPECT_EQ(count_partner_rows(db_), 1);
}

TEST_F(StorageErrors, AConstraintThatLooksLikeAConflictIsStill500) {
    // Only the (tenant, partnerId) unique index means 409; any other failure is the engine's.
    {
        RawDb raw(db_);
        raw.exec("CREATE TRIGGER refuse BEFORE INSERT ON external_partner BEGIN SELECT "
                 "RAISE(ABORT, 'UNIQUE constraint failed: external_partner.tenant_id, external_partner.partner_id'); "
                 "END;");
    }
    Buf out;
    expect_graph_error(out, engine_.create(out, partner_body(numbered_guid(12, 4))), 500, "internalServerError");
}

}  // namespace
}  // namespace cpep_test
