#include "storage/migrator.h"

#include <sqlite3.h>

#include <SQLiteCpp/Statement.h>

#include "storage/open_error.h"

namespace cpep::storage {
namespace {

int pragma_int(SQLite::Database &db, const char *pragma) {
    SQLite::Statement q(db, std::string("PRAGMA ") + pragma);
    q.executeStep();
    return q.getColumn(0).getInt();
}

[[noreturn]] void schema_error(const std::string &path, const std::string &why) {
    throw OpenError(OpenFailure::schema, "'" + path + "' " + why);
}

void check_applied(SQLite::Database &db, const std::string &path, std::span<const Migration> migrations,
                   int user_version) {
    if (user_version == 0) return;
    if (!db.tableExists("schema_migrations"))
        schema_error(path, "is damaged: it has schema version " + std::to_string(user_version) +
                               " but no schema_migrations table");
    SQLite::Statement q(db, "SELECT version, name, sha256 FROM schema_migrations ORDER BY version");
    int seen = 0;
    while (q.executeStep()) {
        const int version = q.getColumn(0).getInt();
        if (version < 1 || version > static_cast<int>(migrations.size())) continue;
        const Migration &m = migrations[static_cast<std::size_t>(version - 1)];
        if (q.getColumn(2).getString() != m.sha256)
            schema_error(path, "was migrated with a different " + std::string(m.name) +
                                   " than this build embeds (checksum mismatch); a landed migration must never be edited");
        ++seen;
    }
    if (seen != user_version)
        schema_error(path, "is damaged: schema version " + std::to_string(user_version) + " but " +
                               std::to_string(seen) + " recorded migrations");
}

void apply(SQLite::Database &db, const Migration &m) {
    db.exec("BEGIN IMMEDIATE");
    try {
        // Re-read inside the write lock: the gate must hold for the transaction that changes it.
        if (pragma_int(db, "user_version") != m.version - 1) {
            db.exec("ROLLBACK");
            return;
        }
        db.exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, sha256 TEXT NOT NULL,"
                " applied_at TEXT NOT NULL)");
        db.exec(m.sql);
        SQLite::Statement record(db, "INSERT INTO schema_migrations (version, name, sha256, applied_at)"
                                     " VALUES (?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))");
        record.bind(1, m.version);
        record.bind(2, m.name);
        record.bind(3, m.sha256);
        record.exec();
        db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        db.exec("PRAGMA user_version = " + std::to_string(m.version));
        db.exec("COMMIT");
    } catch (...) {
        if (!sqlite3_get_autocommit(db.getHandle())) sqlite3_exec(db.getHandle(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

}  // namespace

void migrate(SQLite::Database &db, const std::string &path, std::span<const Migration> migrations) {
    try {
        const int app_id = pragma_int(db, "application_id");
        const int user_version = pragma_int(db, "user_version");
        SQLite::Statement objects(db, "SELECT count(*) FROM sqlite_schema");
        objects.executeStep();
        const bool empty = objects.getColumn(0).getInt() == 0;
        objects.reset();

        if (app_id != kApplicationId && !(app_id == 0 && empty && user_version == 0))
            schema_error(path, "is not a cpep database (it is an SQLite database of another application)");
        const int latest = static_cast<int>(migrations.size());
        if (user_version > latest)
            schema_error(path, "was written by a newer version of cpep (schema version " +
                                   std::to_string(user_version) + "; this build knows up to " +
                                   std::to_string(latest) + ")");
        check_applied(db, path, migrations, user_version);
        for (int v = user_version + 1; v <= latest; ++v) apply(db, migrations[static_cast<std::size_t>(v - 1)]);
    } catch (const SQLite::Exception &e) {
        const int code = e.getErrorCode();
        if (code == SQLITE_NOTADB)
            schema_error(path, "is not a cpep database (the file is not an SQLite database)");
        if (code == SQLITE_CORRUPT) schema_error(path, "is corrupt (SQLite reports a malformed database)");
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
            throw OpenError(OpenFailure::locked, "the database '" + path + "' is locked by another connection");
        throw OpenError(OpenFailure::io, "cannot prepare the database '" + path + "' (SQLite error " +
                                             std::to_string(e.getExtendedErrorCode()) + ": " + e.getErrorStr() + ")");
    }
}

}  // namespace cpep::storage
