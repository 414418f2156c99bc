#pragma once
// The SQLite adapter of PartnerRepository: one connection per engine (see PITFALLS: the WAL-reset
// bug of SQLite 3.40 forbids a second writer), guarded by a mutex, with prepared statements kept
// for the life of the engine and every write inside BEGIN IMMEDIATE.
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "core/ports.h"
#include "storage/file_lock.h"

namespace cpep::storage {

enum class Durability { full, normal };

struct StorageOptions {
    std::string path;  // a file, or ":memory:"
    Durability durability = Durability::full;
    int busy_timeout_ms = 5000;
};

class SqlitePartnerRepository final : public PartnerRepository {
public:
    // Takes the file's writer lock, opens (creating) the database in WAL mode and migrates it.
    // Throws OpenError.
    explicit SqlitePartnerRepository(const StorageOptions &options);

    bool insert(const ExternalPartner &p, std::int64_t id_sequence) override;

    // The stored position of a persistent id stream (0 when none was stored).
    std::int64_t load_counter(std::string_view name);

private:
    class WriteTransaction;

    FileLock lock_;  // taken before the database is touched
    SQLite::Database db_;
    std::mutex mutex_;
    SQLite::Statement begin_;
    SQLite::Statement commit_;
    SQLite::Statement rollback_;
    SQLite::Statement insert_partner_;
    SQLite::Statement save_counter_;
};

}  // namespace cpep::storage
