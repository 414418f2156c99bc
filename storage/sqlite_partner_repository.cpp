#include "storage/sqlite_partner_repository.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>

#include <nlohmann/json.hpp>

#include "storage/migrator.h"
#include "storage/partner_queries.h"
#include "storage/open_error.h"

namespace cpep::storage {
namespace {

constexpr const char *kEntityCounter = "entity_id";
constexpr const char *kActivityCounter = "activity_id";

std::optional<Instant> optional_instant(const SQLite::Column &c) {
    if (c.isNull()) return std::nullopt;
    return Instant{c.getInt64()};
}

// Text written by the engine itself; a damaged value reads as an empty list rather than a crash.
std::vector<std::string> string_array(const std::string &text) {
    std::vector<std::string> out;
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_array())
        for (const auto &v : j)
            if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
}

std::string json_array(const std::vector<std::string> &v) {
    return nlohmann::json(v).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string setting_json(const AgentSetting &s) {
    nlohmann::json j = {{"agentSha256", s.agent_sha256},
                        {"agentUrl", s.agent_url},
                        {"autoDeploymentEnabled", s.auto_deployment_enabled},
                        {"installParameters", s.install_parameters}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<AgentSetting> setting_from_json(const std::string &text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    AgentSetting s;
    s.agent_sha256 = j.value("agentSha256", "");
    s.agent_url = j.value("agentUrl", "");
    s.auto_deployment_enabled = j.value("autoDeploymentEnabled", false);
    if (auto it = j.find("installParameters"); it != j.end() && it->is_array())
        for (const auto &v : *it)
            if (v.is_string()) s.install_parameters.push_back(v.get<std::string>());
    return s;
}

StoredPartner read_partner(SQLite::Statement &q) {
    StoredPartner s;
    s.seq = q.getColumn(0).getInt64();
    ExternalPartner &p = s.partner;
    p.id = q.getColumn(1).getString();
    p.tenant_id = q.getColumn(2).getString();
    p.partner_id = q.getColumn(3).getString();
    p.enable_connection = q.getColumn(4).getInt() != 0;
    p.created_at = Instant{q.getColumn(5).getInt64()};
    p.enabled_at = optional_instant(q.getColumn(6));
    p.last_heartbeat_at = optional_instant(q.getColumn(7));
    if (!q.getColumn(8).isNull()) {
        AgentSetting a;
        a.agent_url = q.getColumn(8).getString();
        a.agent_sha256 = q.getColumn(9).getString();
        a.install_parameters = string_array(q.getColumn(10).getString());
        a.auto_deployment_enabled = q.getColumn(11).getInt() != 0;
        p.agent_setting = std::move(a);
    }
    return s;
}

void bind_optional(SQLite::Statement &q, int index, const std::optional<Instant> &t) {
    if (t)
        q.bind(index, static_cast<int64_t>(t->micros));
    else
        q.bind(index);
}

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

// Resets a cached statement and clears its bindings when a read leaves scope, however it leaves.
class StatementReset {
public:
    explicit StatementReset(SQLite::Statement &s) : s_(s) {}
    ~StatementReset() {
        s_.tryReset();
        try {
            s_.clearBindings();
        } catch (...) {  // cannot fail on a valid statement; a destructor must not throw regardless
        }
    }
    StatementReset(const StatementReset &) = delete;
    StatementReset &operator=(const StatementReset &) = delete;

private:
    SQLite::Statement &s_;
};

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
        if (!committed_) rollback_if_open();
    }
    void commit() {
        const int rc = step_and_reset(repo_.commit_);
        if (rc == SQLITE_DONE) {
            committed_ = true;
            return;
        }
        sqlite3 *db = repo_.db_.getHandle();
        StorageError error = storage_error(db, rc);
        if ((rc & 0xFF) == SQLITE_IOERR) {
            // A failed fsync can leave this transaction's frames, commit mark included, in the WAL
            // file although SQLite rolled it back in memory: a crash before the next write would
            // resurrect it. Roll back, then checkpoint and truncate the WAL so they are gone.
            rollback_if_open();
            sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
        }
        throw error;
    }
    WriteTransaction(const WriteTransaction &) = delete;
    WriteTransaction &operator=(const WriteTransaction &) = delete;

private:
    void rollback_if_open() {
        if (!sqlite3_get_autocommit(repo_.db_.getHandle())) step_and_reset(repo_.rollback_);
    }

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
                         " ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)"),
      find_(db_, "SELECT " CPEP_PARTNER_COLUMNS " FROM external_partner WHERE id = ? AND tenant_id = ?"),
      find_by_partner_(db_, "SELECT " CPEP_PARTNER_COLUMNS " FROM external_partner WHERE tenant_id = ? AND partner_id = ?"),
      list_(db_, sql::kListPartners),
      list_by_partner_(db_, sql::kListPartnersByPartnerId),
      count_(db_, sql::kCountPartners),
      count_by_partner_(db_, sql::kCountPartnersByPartnerId),
      save_connection_(db_, "UPDATE external_partner SET enable_connection = ?, enabled_at = ?, last_heartbeat_at = ?"
                            " WHERE seq = ? AND tenant_id = ?"),
      remove_(db_, "DELETE FROM external_partner WHERE tenant_id = ? AND id = ?"),
      save_agent_(db_, "UPDATE external_partner SET agent_url = ?, agent_sha256 = ?, agent_install_parameters = ?,"
                       " agent_auto_deployment = ? WHERE seq = ?"),
      insert_result_(db_, "INSERT INTO action_result (partner_seq, activity_id, cloud_pc_id, started_at) VALUES (?, ?, ?, ?)"),
      insert_report_(db_, "INSERT INTO action_report (partner_seq, action_type, activity_id, cloud_pc_id, agent_setting,"
                          " authenticated_app_id, authenticated_method, authenticated_upn, created_at)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      results_(db_, "SELECT seq, activity_id, cloud_pc_id, started_at FROM action_result"
                    " WHERE partner_seq = ?1 AND seq > ?2 AND (?3 = '' OR activity_id = ?3) AND (?4 = '' OR cloud_pc_id = ?4)"
                    " ORDER BY seq LIMIT ?5"),
      reports_(db_, "SELECT action_type, activity_id, cloud_pc_id, agent_setting, authenticated_app_id,"
                    " authenticated_method, authenticated_upn, created_at FROM action_report"
                    " WHERE partner_seq = ? ORDER BY seq") {}

struct SqlitePartnerRepository::PendingInsert {
    PendingInsert(const ExternalPartner *p, std::int64_t sequence) : partner(p), id_sequence(sequence) {}
    const ExternalPartner *partner;
    std::int64_t id_sequence;
    enum class State { waiting, inserted, conflict, failed };
    // Published to the caller under queue_mutex_, and only after the commit has finished: a
    // caller woken early (a spurious wakeup) still sees `waiting` and keeps waiting.
    State state = State::waiting;
    std::optional<StorageError> error;
    // Written by the leader while it commits, without the queue lock; only the leader reads them.
    State result = State::waiting;
    std::optional<StorageError> result_error;

    // Once published: whether the row was inserted (false: its partnerId exists); throws the
    // storage failure of a failed commit.
    bool inserted() const {
        if (state == State::failed) {
            if (error) throw *error;
            throw StorageError(StorageFailure::other, "the commit failed");
        }
        return state == State::inserted;
    }
};

bool SqlitePartnerRepository::insert(const ExternalPartner &p, std::int64_t id_sequence) {
    std::vector<PendingInsert> mine;
    mine.emplace_back(&p, id_sequence);
    submit(mine);
    return mine[0].inserted();
}

std::vector<bool> SqlitePartnerRepository::insert_all(const std::vector<NewPartner> &rows) {
    std::vector<PendingInsert> mine;
    mine.reserve(rows.size());
    for (const auto &r : rows) mine.emplace_back(r.partner, r.id_sequence);
    submit(mine);
    std::vector<bool> out;
    for (const auto &m : mine) out.push_back(m.inserted());
    return out;
}

// Leader/follower group commit: the first caller to find no commit running becomes the leader,
// takes every row queued so far (its own included) and commits them together; callers that
// arrive meanwhile queue up for the next commit and wait. A lone caller pays two uncontended
// mutex operations for this.
//
// Gathering (PostgreSQL's commit_delay/commit_siblings idea, bounded): right after a commit, the
// callers it answered are busy preparing their next rows, so the first one back would commit
// alone and the rest would queue behind that commit. When the last group had several callers,
// the leader therefore waits until as many have queued again, or for at most half the last
// commit's duration (capped at 1 ms), whichever comes first. A lone writer never waits (its last
// group had one caller), and concurrency that drops is followed at the next commit.
void SqlitePartnerRepository::submit(std::vector<PendingInsert> &mine) {
    std::unique_lock lock(queue_mutex_);
    queue_.reserve(queue_.size() + mine.size());  // may throw; the pushes below then cannot
    for (auto &m : mine) queue_.push_back(&m);
    ++queued_callers_;
    if (gathering_) gather_cv_.notify_one();
    auto all_done = [&] {
        for (const auto &m : mine)
            if (m.state == PendingInsert::State::waiting) return false;
        return true;
    };
    while (!all_done()) {
        if (committing_) {
            queue_cv_.wait(lock);
            continue;
        }
        committing_ = true;
        if (last_group_callers_ > 1 && queued_callers_ < last_group_callers_) {
            const auto delay = std::min<std::chrono::nanoseconds>(last_commit_time_ / 2, std::chrono::milliseconds(1));
            const auto deadline = std::chrono::steady_clock::now() + delay;
            gathering_ = true;
            while (queued_callers_ < last_group_callers_ &&
                   gather_cv_.wait_until(lock, deadline) != std::cv_status::timeout) {
            }
            gathering_ = false;
        }
        std::vector<PendingInsert *> group;
        group.swap(queue_);
        last_group_callers_ = queued_callers_;
        queued_callers_ = 0;
        lock.unlock();
        const auto started = std::chrono::steady_clock::now();
        commit_group(group);
        const auto took = std::chrono::steady_clock::now() - started;
        lock.lock();
        for (PendingInsert *m : group) {  // the outcomes become visible only now, after the commit
            m->error = std::move(m->result_error);
            m->state = m->result;
        }
        last_commit_time_ = took;
        committing_ = false;
        queue_cv_.notify_all();
    }
}

void SqlitePartnerRepository::commit_group(const std::vector<PendingInsert *> &group) {
    using State = PendingInsert::State;
    auto fail_all = [&](const StorageError &e) noexcept {
        for (PendingInsert *m : group) m->result = State::failed;  // first, so that nothing reads as inserted
        try {
            for (PendingInsert *m : group) m->result_error = e;
        } catch (...) {  // out of memory while copying the message: callers get a generic failure
        }
    };
    try {
        std::lock_guard guard(mutex_);
        WriteTransaction tx(*this);
        std::int64_t max_sequence = 0;
        for (PendingInsert *m : group) {
            const ExternalPartner &p = *m->partner;
            insert_partner_.bindNoCopy(1, p.id);
            insert_partner_.bindNoCopy(2, p.tenant_id);
            insert_partner_.bindNoCopy(3, p.partner_id);
            insert_partner_.bind(4, p.enable_connection ? 1 : 0);
            insert_partner_.bind(5, static_cast<int64_t>(p.created_at.micros));
            bind_optional(insert_partner_, 6, p.enabled_at);
            const int rc = step_and_reset(insert_partner_);
            if (rc == SQLITE_DONE) {
                m->result = State::inserted;  // provisional until the commit below succeeds
                max_sequence = std::max(max_sequence, m->id_sequence);
                continue;
            }
            // A constraint failure undoes only its own statement; the transaction goes on.
            sqlite3 *handle = db_.getHandle();
            if (sqlite3_extended_errcode(handle) == SQLITE_CONSTRAINT_UNIQUE &&
                std::strstr(sqlite3_errmsg(handle), "external_partner.partner_id") != nullptr) {
                m->result = State::conflict;
                continue;
            }
            throw storage_error(handle, rc);
        }
        if (max_sequence > 0) save_counter(kEntityCounter, max_sequence);
        tx.commit();
    } catch (const StorageError &e) {
        fail_all(e);
    } catch (const std::exception &e) {
        fail_all(StorageError(StorageFailure::other, e.what()));
    } catch (...) {
        fail_all(StorageError(StorageFailure::other, "unexpected failure during a commit"));
    }
}

void SqlitePartnerRepository::save_counter(const char *name, std::int64_t value) {
    save_counter_.bindNoCopy(1, name);
    save_counter_.bind(2, static_cast<int64_t>(value));
    if (const int rc = step_and_reset(save_counter_); rc != SQLITE_DONE) throw storage_error(db_.getHandle(), rc);
}

std::optional<StoredPartner> SqlitePartnerRepository::find(std::string_view tenant_id, std::string_view id) {
    std::lock_guard guard(mutex_);
    StatementReset reset(find_);
    const std::string i(id), t(tenant_id);
    find_.bindNoCopy(1, i);
    find_.bindNoCopy(2, t);
    const int rc = find_.tryExecuteStep();
    if (rc == SQLITE_ROW) return read_partner(find_);
    if (rc != SQLITE_DONE) throw storage_error(db_.getHandle(), rc);
    return std::nullopt;
}

std::optional<StoredPartner> SqlitePartnerRepository::find_by_partner_id(std::string_view tenant_id,
                                                                         std::string_view partner_id) {
    std::lock_guard guard(mutex_);
    StatementReset reset(find_by_partner_);
    const std::string t(tenant_id), p(partner_id);
    find_by_partner_.bindNoCopy(1, t);
    find_by_partner_.bindNoCopy(2, p);
    const int rc = find_by_partner_.tryExecuteStep();
    if (rc == SQLITE_ROW) return read_partner(find_by_partner_);
    if (rc != SQLITE_DONE) throw storage_error(db_.getHandle(), rc);
    return std::nullopt;
}

std::vector<StoredPartner> SqlitePartnerRepository::list(std::string_view tenant_id, const PartnerFilter &filter,
                                                         std::int64_t after_seq, std::int64_t skip, std::int64_t limit) {
    std::lock_guard guard(mutex_);
    // A partnerId filter has its own statement, so that SQLite plans it on the (tenant_id,
    // partner_id) index instead of walking the tenant's rows (storage.QueryPlans checks both).
    SQLite::Statement &q = filter.partner_id ? list_by_partner_ : list_;
    StatementReset reset(q);
    const std::string t(tenant_id);
    q.bindNoCopy(1, t);
    q.bind(2, static_cast<int64_t>(after_seq));
    if (filter.enable_connection) q.bind(3, *filter.enable_connection ? 1 : 0);
    if (filter.partner_id) q.bindNoCopy(4, *filter.partner_id);
    q.bind(5, static_cast<int64_t>(limit));
    q.bind(6, static_cast<int64_t>(skip));
    std::vector<StoredPartner> out;
    int rc;
    while ((rc = q.tryExecuteStep()) == SQLITE_ROW) out.push_back(read_partner(q));
    if (rc != SQLITE_DONE) throw storage_error(db_.getHandle(), rc);
    return out;
}

std::int64_t SqlitePartnerRepository::count(std::string_view tenant_id, const PartnerFilter &filter) {
    std::lock_guard guard(mutex_);
    SQLite::Statement &q = filter.partner_id ? count_by_partner_ : count_;
    StatementReset reset(q);
    const std::string t(tenant_id);
    q.bindNoCopy(1, t);
    if (filter.enable_connection) q.bind(2, *filter.enable_connection ? 1 : 0);
    if (filter.partner_id) q.bindNoCopy(3, *filter.partner_id);
    const int rc = q.tryExecuteStep();
    if (rc != SQLITE_ROW) throw storage_error(db_.getHandle(), rc);
    return q.getColumn(0).getInt64();
}

bool SqlitePartnerRepository::save_connection(const StoredPartner &s) {
    std::lock_guard guard(mutex_);
    WriteTransaction tx(*this);
    const ExternalPartner &p = s.partner;
    save_connection_.bind(1, p.enable_connection ? 1 : 0);
    bind_optional(save_connection_, 2, p.enabled_at);
    bind_optional(save_connection_, 3, p.last_heartbeat_at);
    save_connection_.bind(4, static_cast<int64_t>(s.seq));
    save_connection_.bindNoCopy(5, p.tenant_id);
    if (const int rc = step_and_reset(save_connection_); rc != SQLITE_DONE) throw storage_error(db_.getHandle(), rc);
    if (sqlite3_changes(db_.getHandle()) == 0) return false;
    tx.commit();
    return true;
}

bool SqlitePartnerRepository::remove(std::string_view tenant_id, std::string_view id) {
    std::lock_guard guard(mutex_);
    WriteTransaction tx(*this);
    const std::string t(tenant_id), i(id);
    remove_.bindNoCopy(1, t);
    remove_.bindNoCopy(2, i);
    if (const int rc = step_and_reset(remove_); rc != SQLITE_DONE) throw storage_error(db_.getHandle(), rc);
    if (sqlite3_changes(db_.getHandle()) == 0) return false;
    tx.commit();
    return true;
}

void SqlitePartnerRepository::insert_report(std::int64_t partner_seq, const ActionReport &r) {
    const std::string setting = r.agent_setting ? setting_json(*r.agent_setting) : std::string();
    insert_report_.bind(1, static_cast<int64_t>(partner_seq));
    insert_report_.bind(2, std::string(to_string(r.action_type)));
    if (r.activity_id) insert_report_.bindNoCopy(3, *r.activity_id); else insert_report_.bind(3);
    insert_report_.bindNoCopy(4, r.cloud_pc_id);
    if (r.agent_setting) insert_report_.bindNoCopy(5, setting); else insert_report_.bind(5);
    insert_report_.bindNoCopy(6, r.authenticated_app_id);
    insert_report_.bind(7, std::string(to_string(r.authenticated_method)));
    if (r.authenticated_user_principal_name) insert_report_.bindNoCopy(8, *r.authenticated_user_principal_name);
    else insert_report_.bind(8);
    insert_report_.bind(9, static_cast<int64_t>(r.created_at.micros));
    if (const int rc = step_and_reset(insert_report_); rc != SQLITE_DONE) throw storage_error(db_.getHandle(), rc);
}

bool SqlitePartnerRepository::save_agent_setting(std::int64_t partner_seq, const AgentSetting &setting,
                                                 const ActionReport &report) {
    std::lock_guard guard(mutex_);
    WriteTransaction tx(*this);
    const std::string params = json_array(setting.install_parameters);
    save_agent_.bindNoCopy(1, setting.agent_url);
    save_agent_.bindNoCopy(2, setting.agent_sha256);
    save_agent_.bindNoCopy(3, params);
    save_agent_.bind(4, setting.auto_deployment_enabled ? 1 : 0);
    save_agent_.bind(5, static_cast<int64_t>(partner_seq));
    if (const int rc = step_and_reset(save_agent_); rc != SQLITE_DONE) throw storage_error(db_.getHandle(), rc);
    if (sqlite3_changes(db_.getHandle()) == 0) return false;
    insert_report(partner_seq, report);
    tx.commit();
    return true;
}

bool SqlitePartnerRepository::record_deployment(std::int64_t partner_seq, const std::vector<ActionResult> &results,
                                                const std::vector<ActionReport> &reports,
                                                std::int64_t activity_sequence) {
    std::lock_guard guard(mutex_);
    WriteTransaction tx(*this);
    for (const auto &r : results) {
        insert_result_.bind(1, static_cast<int64_t>(partner_seq));
        insert_result_.bindNoCopy(2, r.activity_id);
        insert_result_.bindNoCopy(3, r.cloud_pc_id);
        insert_result_.bind(4, static_cast<int64_t>(r.started_at.micros));
        if (const int rc = step_and_reset(insert_result_); rc != SQLITE_DONE) {
            if (sqlite3_extended_errcode(db_.getHandle()) == SQLITE_CONSTRAINT_FOREIGNKEY) return false;
            throw storage_error(db_.getHandle(), rc);
        }
    }
    for (const auto &r : reports) insert_report(partner_seq, r);
    if (activity_sequence > 0) save_counter(kActivityCounter, activity_sequence);
    tx.commit();
    return true;
}

std::vector<StoredActionResult> SqlitePartnerRepository::action_results(std::int64_t partner_seq,
                                                                        const ActionResultFilter &filter,
                                                                        std::int64_t after_seq, std::int64_t limit) {
    std::lock_guard guard(mutex_);
    StatementReset reset(results_);
    results_.bind(1, static_cast<int64_t>(partner_seq));
    results_.bind(2, static_cast<int64_t>(after_seq));
    results_.bindNoCopy(3, filter.activity_id);
    results_.bindNoCopy(4, filter.cloud_pc_id);
    results_.bind(5, static_cast<int64_t>(limit));
    std::vector<StoredActionResult> out;
    int rc;
    while ((rc = results_.tryExecuteStep()) == SQLITE_ROW) {
        StoredActionResult r;
        r.seq = results_.getColumn(0).getInt64();
        r.result.activity_id = results_.getColumn(1).getString();
        r.result.cloud_pc_id = results_.getColumn(2).getString();
        r.result.started_at = Instant{results_.getColumn(3).getInt64()};
        out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) throw storage_error(db_.getHandle(), rc);
    return out;
}

std::vector<ActionReport> SqlitePartnerRepository::action_reports(std::int64_t partner_seq) {
    std::lock_guard guard(mutex_);
    StatementReset reset(reports_);
    reports_.bind(1, static_cast<int64_t>(partner_seq));
    std::vector<ActionReport> out;
    int rc;
    while ((rc = reports_.tryExecuteStep()) == SQLITE_ROW) {
        ActionReport r;
        r.action_type = reports_.getColumn(0).getString() == "deployAgent" ? ActionType::deploy_agent
                                                                           : ActionType::configure_agent;
        if (!reports_.getColumn(1).isNull()) r.activity_id = reports_.getColumn(1).getString();
        r.cloud_pc_id = reports_.getColumn(2).getString();
        if (!reports_.getColumn(3).isNull()) r.agent_setting = setting_from_json(reports_.getColumn(3).getString());
        r.authenticated_app_id = reports_.getColumn(4).getString();
        const std::string method = reports_.getColumn(5).getString();
        r.authenticated_method = method == "guestUser" ? AuthenticatedMethod::guest_user
                                 : method == "appOnly" ? AuthenticatedMethod::app_only
                                                       : AuthenticatedMethod::normal_user;
        if (!reports_.getColumn(6).isNull()) r.authenticated_user_principal_name = reports_.getColumn(6).getString();
        r.created_at = Instant{reports_.getColumn(7).getInt64()};
        out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) throw storage_error(db_.getHandle(), rc);
    return out;
}

std::string SqlitePartnerRepository::load_or_store_secret(std::string_view name, const std::string &initial) {
    std::lock_guard guard(mutex_);
    const std::string n(name);
    {
        SQLite::Statement q(db_, "SELECT value FROM engine_secret WHERE name = ?");
        q.bind(1, n);
        if (q.executeStep()) {
            const SQLite::Column c = q.getColumn(0);
            return std::string(static_cast<const char *>(c.getBlob()), static_cast<std::size_t>(c.getBytes()));
        }
    }
    WriteTransaction tx(*this);
    SQLite::Statement insert(db_, "INSERT INTO engine_secret (name, value) VALUES (?, ?)");
    insert.bind(1, n);
    insert.bind(2, initial.data(), static_cast<int>(initial.size()));
    insert.exec();
    tx.commit();
    return initial;
}

std::int64_t SqlitePartnerRepository::load_counter(std::string_view name) {
    std::lock_guard guard(mutex_);
    SQLite::Statement q(db_, "SELECT value FROM engine_counter WHERE name = ?");
    q.bind(1, std::string(name));
    return q.executeStep() ? q.getColumn(0).getInt64() : 0;
}

}  // namespace cpep::storage
