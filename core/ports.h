#pragma once
// The ports through which the core reaches the outside world. The shell (bindings/) supplies the
// real clock, the real id streams and the SQLite repository; tests supply fakes.
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "core/external_partner.h"
#include "core/instant.h"

namespace cpep {

class Clock {
public:
    virtual ~Clock() = default;
    virtual Instant now() const = 0;
};

struct GeneratedId {
    std::string value;          // lowercase canonical UUID
    std::int64_t sequence = 0;  // position in a persistent stream (idSeed mode), 0 otherwise
};

class IdGenerator {
public:
    virtual ~IdGenerator() = default;
    virtual GeneratedId next_entity_id() = 0;
    virtual GeneratedId next_activity_id() = 0;
    virtual std::string next_request_id() = 0;
};

enum class StorageFailure { busy, full, other };

// Thrown by repositories; the service turns it into 503 / 507 / 500. `what()` is for logs only:
// it never reaches a response body.
class StorageError : public std::exception {
public:
    StorageError(StorageFailure kind, std::string detail) : kind_(kind), detail_(std::move(detail)) {}
    StorageFailure kind() const noexcept { return kind_; }
    const char *what() const noexcept override { return detail_.c_str(); }

private:
    StorageFailure kind_;
    std::string detail_;
};

struct PartnerFilter {
    std::optional<bool> enable_connection;
    std::optional<std::string> partner_id;  // lowercase canonical
    bool match_nothing = false;             // contradictory clauses, e.g. "enableConnection eq true and enableConnection eq false"
};

// An entity with its position in creation order (the keyset of paging; never leaves the engine
// unsealed, see page_token.h).
struct StoredPartner {
    std::int64_t seq = 0;
    ExternalPartner partner;
};

struct StoredActionResult {
    std::int64_t seq = 0;
    ActionResult result;
};

struct ActionResultFilter {
    std::string activity_id;  // "" = any
    std::string cloud_pc_id;  // "" = any
};

// Every method is scoped to a tenant or to an entity already found in the caller's tenant, so no
// method can reach another tenant's rows. Methods throw StorageError.
class PartnerRepository {
public:
    virtual ~PartnerRepository() = default;
    // Commits the new entity, together with the id-stream position `id_sequence` when it is
    // non-zero. Returns false, changing nothing, when the tenant already has the partnerId.
    // Returns only once the commit is durable to the engine's durability setting.
    virtual bool insert(const ExternalPartner &p, std::int64_t id_sequence) = 0;

    // Commits several new entities at once, each with its own outcome (true: inserted; false: its
    // partnerId exists in its tenant, or an earlier row of the same call took it). Throws
    // StorageError, committing none, when the commit fails. The default commits them one by one.
    struct NewPartner {
        const ExternalPartner *partner;
        std::int64_t id_sequence;
    };
    virtual std::vector<bool> insert_all(const std::vector<NewPartner> &rows) {
        std::vector<bool> out;
        out.reserve(rows.size());
        for (const auto &r : rows) out.push_back(insert(*r.partner, r.id_sequence));
        return out;
    }

    virtual std::optional<StoredPartner> find(std::string_view tenant_id, std::string_view id) = 0;
    virtual std::optional<StoredPartner> find_by_partner_id(std::string_view tenant_id,
                                                            std::string_view partner_id) = 0;
    // Up to `limit` entities of the tenant matching `filter`, in creation order, after the
    // position `after_seq`, skipping the first `skip`.
    virtual std::vector<StoredPartner> list(std::string_view tenant_id, const PartnerFilter &filter,
                                            std::int64_t after_seq, std::int64_t skip, std::int64_t limit) = 0;
    virtual std::int64_t count(std::string_view tenant_id, const PartnerFilter &filter) = 0;

    // Writes the connection facts (enable_connection, enabled_at, last_heartbeat_at) of an entity
    // found earlier. Returns false when it no longer exists.
    virtual bool save_connection(const StoredPartner &p) = 0;
    // Deletes the entity with its heartbeats, agent setting, action results and reports.
    virtual bool remove(std::string_view tenant_id, std::string_view id) = 0;

    // Replaces the agent setting and appends its report, in one transaction.
    virtual bool save_agent_setting(std::int64_t partner_seq, const AgentSetting &setting,
                                    const ActionReport &report) = 0;
    // Records a deployment: one result and one report per Cloud PC, and the activity-id stream
    // position (when non-zero), in one transaction.
    virtual bool record_deployment(std::int64_t partner_seq, const std::vector<ActionResult> &results,
                                   const std::vector<ActionReport> &reports, std::int64_t activity_sequence) = 0;
    virtual std::vector<StoredActionResult> action_results(std::int64_t partner_seq, const ActionResultFilter &filter,
                                                           std::int64_t after_seq, std::int64_t limit) = 0;
    virtual std::vector<ActionReport> action_reports(std::int64_t partner_seq) = 0;
};

}  // namespace cpep
