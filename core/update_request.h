#pragma once
// Validation of the PATCH body (CONTRACT §5 Update): only enableConnection (and @odata.type) may
// appear; partnerId and the read-only properties are 400 propertyNotUpdateable.
#include <optional>

#include <nlohmann/json.hpp>

#include "core/graph_error.h"

namespace cpep {

struct UpdatePartnerCommand {
    std::optional<bool> enable_connection;  // absent: nothing to change
};

Outcome<UpdatePartnerCommand> validate_update_body(const nlohmann::json &body);

}  // namespace cpep
