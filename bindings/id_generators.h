#pragma once
// The real id streams: random v4 UUIDs, or name-based v5 UUIDs of "<idSeed>/<n>" for
// reproducible runs (CONTRACT §7).
#include <cstdint>
#include <mutex>
#include <string>

#include "core/ports.h"

namespace cpep {

class RandomIdGenerator final : public IdGenerator {
public:
    GeneratedId next_entity_id() override;
    GeneratedId next_activity_id() override;
    std::string next_request_id() override;
};

// Entity ids are v5("<seed>/<n>") and activity ids v5("<seed>/activity/<n>"), with n continuing
// from the positions stored in the database (so reopening never reissues an id); request ids are
// v5("<seed>/request/<n>"), a stream of their own that restarts with the engine.
class SeededIdGenerator final : public IdGenerator {
public:
    SeededIdGenerator(std::string seed, std::int64_t entity_start, std::int64_t activity_start);
    GeneratedId next_entity_id() override;
    GeneratedId next_activity_id() override;
    std::string next_request_id() override;

private:
    std::int64_t next(std::int64_t &counter);

    std::string seed_;
    std::mutex mutex_;
    std::int64_t entity_n_;
    std::int64_t activity_n_;
    std::int64_t request_n_ = 0;
};

// The namespace of cpep's v5 ids; with it anyone can recompute an id from its seed and n.
inline constexpr const char *kIdNamespace = "515522d6-4fb1-4aed-b018-e524f934aeb3";

std::string name_based_uuid(const std::string &name);

}  // namespace cpep
