#include "bindings/engine_options.h"

#include <limits>

#include "core/json_reader.h"

namespace cpep {

EngineOptions parse_engine_options(std::string_view text) {
    EngineOptions o;
    if (text.empty()) return o;
    auto parsed = read_json_body(text, JsonLimits{64 * 1024, 8});
    if (!parsed) throw InvalidOptions("options_json: " + parsed.error().message);
    const auto &json = parsed.value();
    if (!json.is_object()) throw InvalidOptions("options_json must be a JSON object");
    for (const auto &[key, value] : json.items()) {
        if (key == "durability") {
            if (!value.is_string() || (value != "full" && value != "normal"))
                throw InvalidOptions("option 'durability' must be \"full\" or \"normal\"");
            o.durability = value == "full" ? storage::Durability::full : storage::Durability::normal;
        } else if (key == "now") {
            std::optional<Instant> t;
            if (value.is_string()) t = parse_iso8601(value.get_ref<const std::string &>());
            if (!t) throw InvalidOptions("option 'now' must be an ISO-8601 instant such as \"2020-11-03T12:43:14Z\"");
            o.now = t;
        } else if (key == "idSeed") {
            if (!value.is_string()) throw InvalidOptions("option 'idSeed' must be a string");
            o.id_seed = value.get<std::string>();
        } else if (key == "busyTimeoutMs") {
            if (!value.is_number_integer() || value.get<long long>() < 0 ||
                value.get<long long>() > std::numeric_limits<int>::max())
                throw InvalidOptions("option 'busyTimeoutMs' must be an integer from 0 to 2147483647");
            o.busy_timeout_ms = value.get<int>();
        } else {
            throw InvalidOptions("unknown option '" + quote_for_message(key) +
                                 "' (known: durability, now, idSeed, busyTimeoutMs)");
        }
    }
    return o;
}

}  // namespace cpep
