#pragma once
// The caller: the claim set of an access token the host has already authenticated (CONTRACT §2).
#include <string>
#include <string_view>
#include <vector>

#include "core/graph_error.h"

namespace cpep {

enum class CallerKind { delegated, application };

struct Caller {
    std::string tenant_id;                 // lowercase canonical GUID
    CallerKind kind = CallerKind::delegated;
    std::vector<std::string> permissions;  // lowercased: from scp (delegated) or roles (application)
    std::vector<std::string> role_ids;     // wids, lowercase canonical GUIDs
    std::string object_id;                 // oid
    std::string app_id;                    // appid (or azp)
    std::string user_principal_name;       // upn
    bool guest = false;                    // acct == 1

    bool has_permission(std::string_view lowercase_name) const;
    bool has_role(std::string_view role_template_id) const;
};

inline constexpr std::string_view kPersonalAccountTenant = "9188040d-6c67-4c5b-b112-36a304b66dad";

// 401 InvalidAuthenticationToken when the claims are absent, not a JSON object, or lack a GUID
// `tid`, or when a known claim has the wrong type. Unknown claims are ignored, as in a real token.
Outcome<Caller> parse_caller(std::string_view caller_json);

}  // namespace cpep
