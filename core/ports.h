#pragma once
// The ports through which the core reaches the outside world. The shell (bindings/) supplies the
// real clock, the real id streams and the SQLite repository; tests supply fakes.
#include <cstdint>
#include <exception>
#include <string>

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

class PartnerRepository {
public:
    virtual ~PartnerRepository() = default;
    // Commits the new entity, together with the id-stream position `id_sequence` when it is
    // non-zero. Returns false, changing nothing, when the tenant already has the partnerId.
    // Returns only once the commit is durable to the engine's durability setting.
    virtual bool insert(const ExternalPartner &p, std::int64_t id_sequence) = 0;
};

}  // namespace cpep
