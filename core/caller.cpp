#include "core/caller.h"

#include <algorithm>

#include "core/guid.h"
#include "core/json_reader.h"

namespace cpep {
namespace {

using json = nlohmann::json;

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char &c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

GraphError invalid_token(std::string message) {
    return errors::unauthorized("tokenInvalid", std::move(message));
}

// Reads an optional string claim; false when present with another type.
bool optional_string(const json &claims, const char *name, std::string &out) {
    auto it = claims.find(name);
    if (it == claims.end() || it->is_null()) return true;
    if (!it->is_string()) return false;
    out = it->get<std::string>();
    return true;
}

}  // namespace

bool Caller::has_permission(std::string_view name) const {
    return std::find(permissions.begin(), permissions.end(), name) != permissions.end();
}

bool Caller::has_role(std::string_view id) const {
    return std::find(role_ids.begin(), role_ids.end(), id) != role_ids.end();
}

Outcome<Caller> parse_caller(std::string_view caller_json) {
    if (caller_json.empty())
        return errors::unauthorized("tokenMissing", "Access token is empty: no caller claims were supplied.");
    auto parsed = read_json_body(caller_json, JsonLimits{64 * 1024, 16});
    if (!parsed.ok() || !parsed.value().is_object())
        return invalid_token("Access token validation failure: the caller claims are not a valid JSON object.");
    const json &claims = parsed.value();

    Caller caller;
    auto tid = claims.find("tid");
    if (tid == claims.end() || !tid->is_string())
        return invalid_token("Access token validation failure: the 'tid' claim is missing.");
    auto tenant = canonical_guid(tid->get_ref<const std::string &>());
    if (!tenant) return invalid_token("Access token validation failure: the 'tid' claim is not a GUID.");
    caller.tenant_id = std::move(*tenant);

    std::string idtyp, scp;
    if (!optional_string(claims, "idtyp", idtyp) || !optional_string(claims, "scp", scp) ||
        !optional_string(claims, "oid", caller.object_id) ||
        !optional_string(claims, "appid", caller.app_id) ||
        !optional_string(claims, "upn", caller.user_principal_name))
        return invalid_token("Access token validation failure: a claim (idtyp, scp, oid, appid or upn) is not a string.");
    if (caller.app_id.empty() && !optional_string(claims, "azp", caller.app_id))
        return invalid_token("Access token validation failure: the 'azp' claim is not a string.");

    std::vector<std::string> roles;
    bool has_roles = false;
    if (auto it = claims.find("roles"); it != claims.end() && !it->is_null()) {
        if (!it->is_array()) return invalid_token("Access token validation failure: the 'roles' claim is not an array.");
        for (const json &r : *it) {
            if (!r.is_string()) return invalid_token("Access token validation failure: the 'roles' claim holds a non-string.");
            roles.push_back(lowercase(r.get_ref<const std::string &>()));
        }
        has_roles = true;
    }
    if (auto it = claims.find("wids"); it != claims.end() && !it->is_null()) {
        if (!it->is_array()) return invalid_token("Access token validation failure: the 'wids' claim is not an array.");
        for (const json &w : *it) {
            if (!w.is_string()) return invalid_token("Access token validation failure: the 'wids' claim holds a non-string.");
            if (auto id = canonical_guid(w.get_ref<const std::string &>())) caller.role_ids.push_back(std::move(*id));
        }
    }
    if (auto it = claims.find("acct"); it != claims.end() && !it->is_null()) {
        if (!it->is_number_integer()) return invalid_token("Access token validation failure: the 'acct' claim is not an integer.");
        caller.guest = it->get<long long>() == 1;
    }

    const bool has_scp = claims.contains("scp") && !claims["scp"].is_null();
    if (idtyp == "app") {
        caller.kind = CallerKind::application;
    } else if (idtyp == "user") {
        caller.kind = CallerKind::delegated;
    } else if (!idtyp.empty()) {
        return invalid_token("Access token validation failure: the 'idtyp' claim must be 'app' or 'user'.");
    } else {
        caller.kind = (!has_scp && has_roles) ? CallerKind::application : CallerKind::delegated;
    }

    if (caller.kind == CallerKind::application) {
        caller.permissions = std::move(roles);
    } else {
        std::string_view rest = scp;
        while (!rest.empty()) {
            const std::size_t sp = rest.find(' ');
            std::string_view word = rest.substr(0, sp);
            if (!word.empty()) caller.permissions.push_back(lowercase(word));
            if (sp == std::string_view::npos) break;
            rest.remove_prefix(sp + 1);
        }
    }
    return caller;
}

}  // namespace cpep
