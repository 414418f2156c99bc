// Who the request is made as: the claims of an already-authenticated caller (CONTRACT §2).
#pragma once

#include "arguments.h"

#include <string>

namespace cpep::cli {

// The permission a built caller holds: enough for create (and, being the higher one, for reads).
inline constexpr const char *kBuiltPermission = "CloudPC.ReadWrite.All";

struct Caller {
    std::string json;       // the claims passed to the engine as caller_json
    std::string statement;  // what the CLI tells the user it acts as; empty for --caller
};

// From --caller JSON, --caller @FILE, or --tenant GUID with --as app|user. Throws UsageError
// when none or a conflicting combination is given; missing_hint is appended to the "no caller"
// message (the http subcommand uses it to explain that Authorization headers are not decoded).
Caller resolve_caller(const Invocation &inv, const std::string &missing_hint);

}  // namespace cpep::cli
