// The options_json given to cpep_open: --options merged with the convenience flags.
#pragma once

#include "arguments.h"

#include <string>

namespace cpep::cli {

// Empty when no engine option was given (cpep_open then gets NULL). --now, --id-seed and
// --durability override the same keys of --options. Throws UsageError when --options is not a
// JSON object or --durability is neither "full" nor "normal"; the engine judges everything else
// (unknown keys, a malformed instant) and cpep_open names the offending key.
std::string open_options_json(const Invocation &inv);

}  // namespace cpep::cli
