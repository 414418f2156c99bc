#include "caller.h"

#include "input.h"
#include "json_text.h"

namespace cpep::cli {

Caller resolve_caller(const Invocation &inv, const std::string &missing_hint,
                      std::string_view permission) {
    if (inv.caller) {
        if (inv.tenant || inv.as) {
            throw UsageError{"--caller cannot be combined with --tenant/--as"};
        }
        if (inv.caller->empty() || inv.caller->front() != '@') {
            return Caller{*inv.caller, {}};
        }
        std::string path = inv.caller->substr(1);
        Input input;
        try {
            input = read_file_or_stdin(path);
        } catch (const InputError &e) {
            throw UsageError{"--caller: " + e.message};
        }
        // The ABI takes the claims as a C string: a NUL would silently cut them short.
        if (input.truncated || input.bytes.find('\0') != std::string::npos) {
            throw UsageError{"--caller: '" + path + "' is not a JSON text"};
        }
        return Caller{std::move(input.bytes), {}};
    }
    if (!inv.tenant && !inv.as) {
        throw UsageError{"no caller: pass --caller JSON (or @FILE) or --tenant GUID --as app|user" +
                         missing_hint};
    }
    if (!inv.tenant) {
        throw UsageError{"--as needs --tenant GUID"};
    }
    if (!inv.as) {
        throw UsageError{"--tenant needs --as app|user"};
    }
    Json claims = Json::object();
    claims["tid"] = *inv.tenant;
    std::string kind;
    if (*inv.as == "app") {
        claims["idtyp"] = "app";
        claims["roles"] = Json::array({std::string(permission)});
        kind = "application";
    } else if (*inv.as == "user") {
        claims["idtyp"] = "user";
        claims["scp"] = std::string(permission);
        kind = "delegated (user)";
    } else {
        throw UsageError{"--as must be 'app' or 'user', not '" + *inv.as + "'"};
    }
    return Caller{claims.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "acting as " + kind + " caller of tenant " + *inv.tenant + " with " +
                      std::string(permission)};
}

}  // namespace cpep::cli
