#pragma once
// Validation of the partner heartbeat body (CONTRACT §5): {"partnerId": "<GUID>"} and nothing else.
#include <string>

#include <nlohmann/json.hpp>

#include "core/graph_error.h"

namespace cpep {

// The partnerId in lowercase canonical form.
Outcome<std::string> validate_heartbeat_body(const nlohmann::json &body);

}  // namespace cpep
