#pragma once
// A UTC instant with microsecond precision, and its ISO-8601 forms.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cpep {

struct Instant {
    std::int64_t micros = 0;  // since 1970-01-01T00:00:00Z

    static constexpr Instant from_seconds(std::int64_t s) { return Instant{s * 1'000'000}; }
    constexpr Instant plus_seconds(std::int64_t s) const { return Instant{micros + s * 1'000'000}; }
    friend constexpr auto operator<=>(Instant, Instant) = default;
};

// "2020-11-03T12:43:14Z", with a fraction (trailing zeros trimmed) only when it is non-zero.
std::string format_iso8601(Instant t);
void append_iso8601(std::string &out, Instant t);

// "2020-11-03T12:43:14": the form Graph uses for innerError.date (no zone, no fraction).
std::string format_error_date(Instant t);

// Accepts YYYY-MM-DDThh:mm:ss[.fraction](Z|±hh:mm), years 0001-9999; fractions beyond
// microseconds are truncated. nullopt for anything else, including impossible dates.
std::optional<Instant> parse_iso8601(std::string_view text);

}  // namespace cpep
