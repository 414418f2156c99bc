// Who the request is made as: the claims of an already-authenticated caller (CONTRACT §2).
#pragma once

#include "arguments.h"

#include <string>
#include <string_view>

namespace cpep::cli {

// The one rule for a caller built from --tenant/--as: it holds the highest permission of the
// operation it is built for.
// - Every operation on the externalPartners collection: CloudPC.ReadWrite.All. It grants create,
//   update and delete, and, being the higher permission, list, get and the retrieve functions too.
//   (configureAgent and deployAgent also need an Entra role in "wids": pass --caller for them.)
// - The partner heartbeat: CloudPC.PartnerReadWrite.All, the only permission that grants it.
inline constexpr const char *kBuiltPermission = "CloudPC.ReadWrite.All";
inline constexpr const char *kPartnerPermission = "CloudPC.PartnerReadWrite.All";

struct Caller {
    std::string json;       // the claims passed to the engine as caller_json
    std::string statement;  // what the CLI tells the user it acts as; empty for --caller
};

// From --caller JSON, --caller @FILE, or --tenant GUID with --as app|user. Throws UsageError
// when none or a conflicting combination is given; missing_hint is appended to the "no caller"
// message (the http subcommand uses it to explain that Authorization headers are not decoded).
// permission is what a built caller holds (scp of a user, roles of an app).
Caller resolve_caller(const Invocation &inv, const std::string &missing_hint,
                      std::string_view permission = kBuiltPermission);

}  // namespace cpep::cli
