#pragma once
// The options_json of cpep_open (CONTRACT §7): a closed set, each key type-checked.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/instant.h"
#include "storage/sqlite_partner_repository.h"

namespace cpep {

struct EngineOptions {
    storage::Durability durability = storage::Durability::full;
    std::optional<Instant> now;         // frozen clock
    std::optional<std::string> id_seed; // deterministic ids
    int busy_timeout_ms = 5000;
    std::int64_t heartbeat_timeout_seconds = 900;
    std::int64_t action_pending_after_seconds = 10;
    std::int64_t action_running_after_seconds = 30;
    std::int64_t action_succeeded_after_seconds = 120;
};

// Thrown for an unknown key, a wrong type or an out-of-range value; the message names the key.
class InvalidOptions : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

EngineOptions parse_engine_options(std::string_view options_json);

}  // namespace cpep
