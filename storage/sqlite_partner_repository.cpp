#include "storage/sqlite_partner_repository.h"

#include <sqlite3.h>

#include <cstring>

#include "storage/migrator.h"
#include "storage/open_error.h"

namespace cpep::storage {
namespace {

constexpr const char *kEntityCounter = "entity_id";

SQLite::Database open_database(const StorageOptions &o) {
    try {
        // The busy timeout is set by the constructor, before journal_mode=WAL (PITFALLS).
        SQLite::Database db(o.path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
                            o.busy_timeout_ms);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec(o.durability == Durability::full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        db.exec("PRAGMA foreign_keys = ON");
        migrate(db, o.path);
        return db;
    } catch (const SQLite::Exception &e) {
        if (e.getErrorCode() == SQLITE_NOTADB)
            throw OpenError(OpenFailure::schema, "'" + o.path + "' is not a cpep database (the file is not an SQLite database)");
        if (e.getErrorCode() == SQLITE_BUSY)
            throw OpenError(OpenFailure::locked, "the database '" + o.path + "' is locked by another connection");
        throw OpenError(OpenFailure::io, "cannot open the database '" + o.path + "': " + e.getErrorStr());
    }
}

StorageError storage_error(sqlite3 *db, int rc) {
    const int extended = sqlite3_extended_errcode(db);
    std::string detail = "SQLite error " + std::to_string(extended) + ": " + sqlite3_errmsg(db);
    switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return StorageError(StorageFailure::busy, std::move(detail));
    case SQLITE_FULL: return StorageError(StorageFailure::full, std::move(detail));
    default: return StorageError(StorageFailure::other, std::move(detail));
    }
}

// Runs a cached statement to completion and resets it, whatever happens.
int step_and_reset(SQLite::Statement &stmt) {
    const int rc = stmt.tryExecuteStep();
    stmt.tryReset();
    return rc;
}

}  // namespace

// BEGIN IMMEDIATE on construction, ROLLBACK on destruction unless committed. Uses the cached
// statements: preparing BEGIN/COMMIT per write would cost more than the INSERT.
class SqlitePartnerRepository::WriteTransaction {
public:
    explicit WriteTransaction(SqlitePartnerRepository &repo) : repo_(repo) {
        if (const int rc = step_and_reset(repo_.begin_); rc != SQLITE_DONE)
            throw storage_error(repo_.db_.getHandle(), rc);
    }
    ~WriteTransaction() {
        if (!committed_ && !sqlite3_get_autocommit(repo_.db_.getHandle())) step_and_reset(repo_.rollback_);
    }
    void commit() {
        if (const int rc = step_and_reset(repo_.commit_); rc != SQLITE_DONE)
            throw storage_error(repo_.db_.getHandle(), rc);
        committed_ = true;
    }
    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;

private:
    SqlitePartnerRepository &repo_;
    bool committed_ = false;
};

SqlitePartnerRepository::SqlitePartnerRepository(const StorageOptions &options)
    : lock_(options.path),
      db_(open_database(options)),
      begin_(db_, "BEGIN IMMEDIATE"),
      commit_(db_, "COMMIT"),
      rollback_(db_, "ROLLBACK"),
      insert_partner_(db_, "INSERT INTO external_partner"
                           " (id, tenant_id, partner_id, enable_connection, created_at, enabled_at)"
                           " VALUES (?, ?, ?, ?, ?, ?)"),
      save_counter_(db_, "INSERT INTO engine_counter (name, value) VALUES (?, ?)"
                         " ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)") {}

bool SqlitePartnerRepository::insert(const ExternalPartner &p, std::int64_t id_sequence) {
    std::lock_guard guard(mutex_);
    WriteTransaction tx(*this);
    insert_partner_.bindNoCopy(1, p.id);
    insert_partner_.bindNoCopy(2, p.tenant_id);
    insert_partner_.bindNoCopy(3, p.partner_id);
    insert_partner_.bind(4, p.enable_connection ? 1 : 0);
    insert_partner_.bind(5, static_cast<int64_t>(p.created_at.micros));
    if (p.enabled_at)
        insert_partner_.bind(6, static_cast<int64_t>(p.enabled_at->micros));
    else
        insert_partner_.bind(6);
    const int rc = step_and_reset(insert_partner_);
    if (rc != SQLITE_DONE) {
        sqlite3 *handle = db_.getHandle();
        if (sqlite3_extended_errcode(handle) == SQLITE_CONSTRAINT_UNIQUE &&
            std::strstr(sqlite3_errmsg(handle), "external_partner.partner_id") != nullptr)
            return false;
        throw storage_error(handle, rc);
    }
    if (id_sequence > 0) {
        save_counter_.bindNoCopy(1, kEntityCounter);
        save_counter_.bind(2, static_cast<int64_t>(id_sequence));
        if (const int rc2 = step_and_reset(save_counter_); rc2 != SQLITE_DONE)
            throw storage_error(db_.getHandle(), rc2);
    }
    tx.commit();
    return true;
}

std::int64_t SqlitePartnerRepository::load_counter(std::string_view name) {
    std::lock_guard guard(mutex_);
    SQLite::Statement q(db_, "SELECT value FROM engine_counter WHERE name = ?");
    q.bind(1, std::string(name));
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

}  // namespace cpep::storage
