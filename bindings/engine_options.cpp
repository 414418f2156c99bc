#include "bindings/engine_options.h"

#include <limits>

#include "core/json_reader.h"

namespace cpep {
namespace {

// A whole number of seconds from `min` up to about 31 years (so instants never overflow).
std::int64_t seconds(const std::string &key, const nlohmann::json &value, std::int64_t min) {
    constexpr std::int64_t kMax = 1'000'000'000;
    if (!value.is_number_integer() || value.get<long long>() < min || value.get<long long>() > kMax)
        throw InvalidOptions("option '" + key + "' must be an integer from " + std::to_string(min) + " to " +
                             std::to_string(kMax));
    return value.get<std::int64_t>();
}

}  // namespace

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
        } else if (key == "heartbeatTimeoutSeconds") {
            o.heartbeat_timeout_seconds = seconds(key, value, 1);
        } else if (key == "actionPendingAfterSeconds") {
            o.action_pending_after_seconds = seconds(key, value, 0);
        } else if (key == "actionRunningAfterSeconds") {
            o.action_running_after_seconds = seconds(key, value, 0);
        } else if (key == "actionSucceededAfterSeconds") {
            o.action_succeeded_after_seconds = seconds(key, value, 0);
        } else {
            throw InvalidOptions("unknown option '" + quote_for_message(key) +
                                 "' (known: durability, now, idSeed, busyTimeoutMs, heartbeatTimeoutSeconds, "
                                 "actionPendingAfterSeconds, actionRunningAfterSeconds, actionSucceededAfterSeconds)");
        }
    }
    if (!(o.action_pending_after_seconds <= o.action_running_after_seconds &&
          o.action_running_after_seconds <= o.action_succeeded_after_seconds))
        throw InvalidOptions("options 'actionPendingAfterSeconds' <= 'actionRunningAfterSeconds' <= "
                             "'actionSucceededAfterSeconds' must hold");
    return o;
}

}  // namespace cpep
