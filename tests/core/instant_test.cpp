#include "core/instant.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cpep {
namespace {

constexpr std::int64_t kMicros = 1'000'000;

struct FormatCase {
    std::int64_t micros;
    const char *iso;
};

// Seconds from Python's datetime for the same civil times.
const FormatCase kFormatCases[] = {
    {0, "1970-01-01T00:00:00Z"},
    {1604407394 * kMicros, "2020-11-03T12:43:14Z"},
    {1604407394 * kMicros + 500'000, "2020-11-03T12:43:14.5Z"},
    {1604407394 * kMicros + 120'000, "2020-11-03T12:43:14.12Z"},
    {1604407394 * kMicros + 1, "2020-11-03T12:43:14.000001Z"},
    {1604407394 * kMicros + 123'456, "2020-11-03T12:43:14.123456Z"},
    {1604407394 * kMicros + 100'000, "2020-11-03T12:43:14.1Z"},
    {-1 * kMicros, "1969-12-31T23:59:59Z"},
    {-1, "1969-12-31T23:59:59.999999Z"},
    {-500'000, "1969-12-31T23:59:59.5Z"},
    {951782400 * kMicros, "2000-02-29T00:00:00Z"},                 // leap: divisible by 400
    {1709251199 * kMicros, "2024-02-29T23:59:59Z"},                // leap: divisible by 4
    {1709251199 * kMicros + kMicros, "2024-03-01T00:00:00Z"},
    {-2203891200 * kMicros, "1900-03-01T00:00:00Z"},               // 1900 is not a leap year
    {-2203891200 * kMicros - kMicros, "1900-02-28T23:59:59Z"},
    {-62135596800 * kMicros, "0001-01-01T00:00:00Z"},
    {253402300799 * kMicros + 999'999, "9999-12-31T23:59:59.999999Z"},
};

TEST(InstantFormat, TableOfKnownInstants) {
    for (const auto &c : kFormatCases) {
        SCOPED_TRACE(c.iso);
        EXPECT_EQ(format_iso8601(Instant{c.micros}), c.iso);
    }
}

TEST(InstantFormat, AppendAddsToExistingText) {
    std::string out = "at ";
    append_iso8601(out, Instant::from_seconds(1604407394));
    EXPECT_EQ(out, "at 2020-11-03T12:43:14Z");
}

TEST(InstantFormat, FromSecondsAndPlusSeconds) {
    EXPECT_EQ(Instant::from_seconds(3).micros, 3 * kMicros);
    EXPECT_EQ(Instant::from_seconds(3).plus_seconds(-5).micros, -2 * kMicros);
    EXPECT_LT(Instant{1}, Instant{2});
    EXPECT_EQ(Instant{7}, Instant{7});
}

TEST(InstantErrorDate, HasNoZoneAndNoFraction) {
    EXPECT_EQ(format_error_date(Instant::from_seconds(1604407394)), "2020-11-03T12:43:14");
    EXPECT_EQ(format_error_date(Instant{1604407394 * kMicros + 999'999}), "2020-11-03T12:43:14");
    EXPECT_EQ(format_error_date(Instant{0}), "1970-01-01T00:00:00");
    EXPECT_EQ(format_error_date(Instant{-1}), "1969-12-31T23:59:59");
}

struct ParseCase {
    const char *text;
    std::int64_t micros;
};

const ParseCase kValidParses[] = {
    {"2020-11-03T12:43:14Z", 1604407394 * kMicros},
    {"2020-11-03t12:43:14z", 1604407394 * kMicros},
    {"2020-11-03T12:43:14+00:00", 1604407394 * kMicros},
    {"2020-11-03T12:43:14-00:00", 1604407394 * kMicros},
    {"2020-11-03T13:43:14+01:00", 1604407394 * kMicros},
    {"2020-11-03T07:13:14-05:30", 1604407394 * kMicros},
    {"2020-11-04T00:43:14+12:00", 1604407394 * kMicros},
    {"2020-11-03T12:43:14.5Z", 1604407394 * kMicros + 500'000},
    {"2020-11-03T12:43:14.000001Z", 1604407394 * kMicros + 1},
    {"2020-11-03T12:43:14.123456Z", 1604407394 * kMicros + 123'456},
    {"2020-11-03T12:43:14.1234567Z", 1604407394 * kMicros + 123'456},    // truncated, not rounded
    {"2020-11-03T12:43:14.999999999Z", 1604407394 * kMicros + 999'999},  // 9 digits: truncated
    {"2020-11-03T12:43:14.0000009Z", 1604407394 * kMicros},
    {"2020-11-03T13:43:14.25+01:00", 1604407394 * kMicros + 250'000},
    {"1970-01-01T00:00:00Z", 0},
    {"1969-12-31T23:59:59.999999Z", -1},
    {"2000-02-29T00:00:00Z", 951782400 * kMicros},
    {"2024-02-29T23:59:59Z", 1709251199 * kMicros},
    {"0001-01-01T00:00:00Z", -62135596800 * kMicros},
    {"9999-12-31T23:59:59Z", 253402300799 * kMicros},
};

TEST(InstantParse, ValidForms) {
    for (const auto &c : kValidParses) {
        SCOPED_TRACE(c.text);
        auto t = parse_iso8601(c.text);
        ASSERT_TRUE(t.has_value());
        EXPECT_EQ(t->micros, c.micros);
    }
}

const char *const kInvalidParses[] = {
    "",
    "garbage",
    "2020-11-03",
    "2020-11-03T12:43:14",          // no zone
    "2020-11-03T12:43Z",
    "2020-11-03 12:43:14Z",         // space instead of T
    "2020-11-03T12:43:14.Z",        // empty fraction
    "2020-11-03T12:43:14.1234567890Z",  // 10 fraction digits
    "2020-11-03T12:43:14+0100",
    "2020-11-03T12:43:14+01",
    "2020-11-03T12:43:14+24:00",
    "2020-11-03T12:43:14+01:60",
    "2020-11-03T12:43:14ZZ",
    "2020-11-03T12:43:14Z ",
    " 2020-11-03T12:43:14Z",
    "2020-13-03T12:43:14Z",
    "2020-00-03T12:43:14Z",
    "2020-11-00T12:43:14Z",
    "2020-11-31T12:43:14Z",         // November has 30 days
    "2021-02-29T00:00:00Z",         // 2021 is not a leap year
    "1900-02-29T00:00:00Z",         // nor is 1900
    "2020-02-30T00:00:00Z",
    "2020-11-03T24:00:00Z",
    "2020-11-03T12:60:14Z",
    "2020-11-03T12:43:60Z",         // no leap seconds
    "0000-01-01T00:00:00Z",         // year 0 is outside 0001-9999
    "20201-11-03T12:43:14Z",
    "+2020-11-03T12:43:14Z",
    "2020-1-03T12:43:14Z",
    "2020/11/03T12:43:14Z",
    "2020-11-03T12-43-14Z",
    "2020-11-03T1a:43:14Z",
};

TEST(InstantParse, RefusesInvalidText) {
    for (const char *text : kInvalidParses) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(parse_iso8601(text).has_value());
    }
}

TEST(InstantParse, RefusesTextWithEmbeddedNul) {
    const std::string text("2020-11-03T12:43:14Z\0", 21);
    EXPECT_FALSE(parse_iso8601(text).has_value());
}

TEST(InstantRoundTrip, FormatThenParseIsIdentity) {
    for (const auto &c : kFormatCases) {
        SCOPED_TRACE(c.iso);
        auto t = parse_iso8601(format_iso8601(Instant{c.micros}));
        ASSERT_TRUE(t.has_value());
        EXPECT_EQ(t->micros, c.micros);
    }
    // A spread of instants, including ones just before the epoch.
    for (std::int64_t m = -3'000'000'000'000'000; m < 3'000'000'000'000'000; m += 77'777'777'777'777) {
        auto t = parse_iso8601(format_iso8601(Instant{m}));
        ASSERT_TRUE(t.has_value()) << m;
        EXPECT_EQ(t->micros, m);
    }
}

TEST(InstantRoundTrip, ParseThenFormatIsCanonical) {
    EXPECT_EQ(format_iso8601(*parse_iso8601("2020-11-03T13:43:14.500+01:00")), "2020-11-03T12:43:14.5Z");
    EXPECT_EQ(format_iso8601(*parse_iso8601("2020-11-03T12:43:14.000Z")), "2020-11-03T12:43:14Z");
    EXPECT_EQ(format_iso8601(*parse_iso8601("2021-01-01T00:30:00+01:00")), "2020-12-31T23:30:00Z");
}

}  // namespace
}  // namespace cpep
