#pragma once
// The SQLite adapter of PartnerRepository: one connection per engine (see PITFALLS: the WAL-reset
// bug of SQLite 3.40 forbids a second writer), guarded by a mutex, with prepared statements kept
// for the life of the engine and every write inside BEGIN IMMEDIATE.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

    // Creates are group-committed: concurrent callers' rows share one transaction and one commit
    // (one fsync in full mode); each caller returns only after the commit that holds its row.
    bool insert(const ExternalPartner &p, std::int64_t id_sequence) override;
    std::vector<bool> insert_all(const std::vector<NewPartner> &rows) override;
    std::optional<StoredPartner> find(std::string_view tenant_id, std::string_view id) override;
    std::optional<StoredPartner> find_by_partner_id(std::string_view tenant_id, std::string_view partner_id) override;
    std::vector<StoredPartner> list(std::string_view tenant_id, const PartnerFilter &filter, std::int64_t after_seq,
                                    std::int64_t skip, std::int64_t limit) override;
    std::int64_t count(std::string_view tenant_id, const PartnerFilter &filter) override;
    bool save_connection(const StoredPartner &p) override;
    bool remove(std::string_view tenant_id, std::string_view id) override;
    bool save_agent_setting(std::int64_t partner_seq, const AgentSetting &setting, const ActionReport &report) override;
    bool record_deployment(std::int64_t partner_seq, const std::vector<ActionResult> &results,
                           const std::vector<ActionReport> &reports, std::int64_t activity_sequence) override;
    std::vector<StoredActionResult> action_results(std::int64_t partner_seq, const ActionResultFilter &filter,
                                                   std::int64_t after_seq, std::int64_t limit) override;
    std::vector<ActionReport> action_reports(std::int64_t partner_seq) override;

    // The stored position of a persistent id stream (0 when none was stored).
    std::int64_t load_counter(std::string_view name);
    // The secret stored under `name`; stores `initial` first when there is none.
    std::string load_or_store_secret(std::string_view name, const std::string &initial);

private:
    class WriteTransaction;
    struct PendingInsert;
    void submit(std::vector<PendingInsert> &mine);
    void commit_group(const std::vector<PendingInsert *> &group);
    void insert_report(std::int64_t partner_seq, const ActionReport &r);
    void save_counter(const char *name, std::int64_t value);

    FileLock lock_;  // taken before the database is touched
    // The group-commit queue: rows waiting for the next commit, and whether a commit is running.
    std::mutex queue_mutex_;
    std::condition_variable queue_cv_;
    std::vector<PendingInsert *> queue_;
    std::size_t queued_callers_ = 0;     // callers with rows in queue_
    bool committing_ = false;
    bool gathering_ = false;             // a leader waits for the last group's callers (submit)
    std::condition_variable gather_cv_;
    std::size_t last_group_callers_ = 0;
    std::chrono::nanoseconds last_commit_time_{0};
    SQLite::Database db_;
    std::mutex mutex_;
    SQLite::Statement begin_;
    SQLite::Statement commit_;
    SQLite::Statement rollback_;
    SQLite::Statement insert_partner_;
    SQLite::Statement save_counter_;
    SQLite::Statement find_;
    SQLite::Statement find_by_partner_;
    SQLite::Statement list_;
    SQLite::Statement list_by_partner_;
    SQLite::Statement count_;
    SQLite::Statement count_by_partner_;
    SQLite::Statement save_connection_;
    SQLite::Statement remove_;
    SQLite::Statement save_agent_;
    SQLite::Statement insert_result_;
    SQLite::Statement insert_report_;
    SQLite::Statement results_;
    SQLite::Statement reports_;
};

}  // namespace cpep::storage
