#pragma once
// Brings a database to the schema this build knows, or refuses it with a clear message:
// PRAGMA application_id marks a cpep database, PRAGMA user_version is the fast gate, and
// schema_migrations keeps an audit row (with the file's SHA-256) per applied migration. Each
// migration runs inside one BEGIN IMMEDIATE together with its bookkeeping.
#include <span>
#include <string>

#include <SQLiteCpp/Database.h>

#include "storage/migrations.h"

namespace cpep::storage {

inline constexpr int kApplicationId = 0x43504550;  // "CPEP"

// Throws OpenError(schema) for a foreign or newer database or an edited migration, and
// OpenError(io) when the file cannot be read or written.
void migrate(SQLite::Database &db, const std::string &path_for_messages,
             std::span<const Migration> migrations = embedded_migrations());

}  // namespace cpep::storage
