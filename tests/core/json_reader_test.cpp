#include "core/json_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace cpep {
namespace {

constexpr std::size_t kMiB = 1024 * 1024;

void expect_invalid_json(const Outcome<nlohmann::json> &r, std::string_view message_part = {}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "badRequest");
    EXPECT_EQ(r.error().inner_code, "invalidJson");
    EXPECT_FALSE(r.error().message.empty());
    if (!message_part.empty()) {
        EXPECT_NE(r.error().message.find(message_part), std::string::npos) << r.error().message;
    }
}

// {"a":"xxx…"} padded to exactly `size` bytes.
std::string object_of_size(std::size_t size) {
    std::string s = "{\"a\":\"";
    s.append(size - s.size() - 2, 'x');
    s += "\"}";
    return s;
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string nested_objects(std::size_t depth) {
    std::string s;
    for (std::size_t i = 0; i + 1 < depth; ++i) s += "{\"a\":";
    s += "{}";
    s.append(depth - 1, '}');
    return s;
}

TEST(JsonReaderSize, LargerThanOneMiBIs413) {
    auto r = read_json_body(object_of_size(kMiB + 1));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 413);
    EXPECT_EQ(r.error().code, "requestEntityTooLarge");
}

TEST(JsonReaderSize, SizeIsCheckedBeforeContent) {
    // Garbage and NULs beyond the limit still answer 413: the size is the first check.
    auto r = read_json_body(std::string(kMiB + 10, '\0'));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 413);
}

TEST(JsonReaderSize, ExactlyOneMiBIsAccepted) {
    const std::string body = object_of_size(kMiB);
    ASSERT_EQ(body.size(), kMiB);
    auto r = read_json_body(body);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value()["a"].get<std::string>().size(), kMiB - 8);
}

TEST(JsonReaderSize, LimitsAreConfigurable) {
    EXPECT_EQ(read_json_body("{\"a\":1}", JsonLimits{6, 64}).error().status, 413);
    EXPECT_TRUE(read_json_body("{\"a\":1}", JsonLimits{7, 64}).ok());
}

TEST(JsonReaderContent, EmptyBodyIs400) { expect_invalid_json(read_json_body("")); }

TEST(JsonReaderContent, NulInsideBodyIs400) {
    expect_invalid_json(read_json_body(std::string("{\"a\":1}\0", 8)), "NUL");
    expect_invalid_json(read_json_body(std::string("{\"a\":\"x\0y\"}", 11)), "NUL");
    expect_invalid_json(read_json_body(std::string("\0{}", 3)), "NUL");
}

TEST(JsonReaderUtf8, InvalidSequencesAre400NamingUtf8) {
    const std::string invalid[] = {
        "\"\xC0\xAF\"",              // overlong '/'
        "\"\xC1\xBF\"",              // overlong
        "\"\xE0\x80\xAF\"",          // overlong 3-byte
        "\"\xF0\x80\x80\xAF\"",      // overlong 4-byte
        "\"\xED\xA0\x80\"",          // UTF-16 surrogate U+D800
        "\"\xED\xBF\xBF\"",          // UTF-16 surrogate U+DFFF
        "\"\xF4\x90\x80\x80\"",      // U+110000
        "\"\xF5\x80\x80\x80\"",      // beyond any code point
        "\"\xFF\"",
        "\"\x80\"",                  // lone continuation byte
        "\"\xC3\"",                  // truncated 2-byte, then a quote
        "\"\xE2\x82\"",              // truncated 3-byte
        "\"\xF0\x9F\x98\"",          // truncated 4-byte
        "{\"a\":1}\xC3",             // truncated at the very end
        "{\"\xC3\x28\":1}",          // bad continuation in a key
    };
    for (const std::string &body : invalid) {
        SCOPED_TRACE(testing::PrintToString(body));
        expect_invalid_json(read_json_body(body), "UTF-8");
    }
}

TEST(JsonReaderUtf8, FindInvalidUtf8ReportsOffset) {
    EXPECT_EQ(find_invalid_utf8("abc"), std::string_view::npos);
    EXPECT_EQ(find_invalid_utf8(""), std::string_view::npos);
    EXPECT_EQ(find_invalid_utf8("ab\xED\xA0\x80"), 2u);
    EXPECT_EQ(find_invalid_utf8("\xC3\xA9\xE2\x82"), 2u);
    EXPECT_EQ(find_invalid_utf8("\xF4\x8F\xBF\xBF"), std::string_view::npos);  // U+10FFFF itself
    EXPECT_EQ(find_invalid_utf8("\xEE\x80\x80"), std::string_view::npos);      // U+E000, after the surrogates
    EXPECT_EQ(find_invalid_utf8("\xED\x9F\xBF"), std::string_view::npos);      // U+D7FF, before them
}

TEST(JsonReaderUtf8, ValidMultibyteIsAccepted) {
    auto r = read_json_body("{\"name\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE4\xB8\xAD\"}");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value()["name"].get<std::string>(), "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xE4\xB8\xAD");
    auto k = read_json_body("{\"\xC3\xA9\":true}");
    ASSERT_TRUE(k.ok());
    EXPECT_TRUE(k.value().contains("\xC3\xA9"));
}

TEST(JsonReaderSyntax, NotJsonIs400) {
    const char *const bodies[] = {"not json", "{", "}", "{\"a\":}", "{'a':1}", "{a:1}", "[1,]",
                                  "{\"a\":1,}", "   ", "nul", "{\"a\" 1}", "\"unterminated",
                                  "{\"a\":1} // comment", "0x10", "01"};
    for (const char *body : bodies) {
        SCOPED_TRACE(body);
        expect_invalid_json(read_json_body(body));
    }
}

TEST(JsonReaderSyntax, TrailingGarbageIs400) {
    expect_invalid_json(read_json_body("{\"a\":1}x"));
    expect_invalid_json(read_json_body("{\"a\":1}{\"a\":2}"));
    expect_invalid_json(read_json_body("{} []"));
}

TEST(JsonReaderSyntax, SurroundingWhitespaceIsFine) {
    auto r = read_json_body(" \t\r\n{\"a\":1}\n ");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value()["a"], 1);
}

TEST(JsonReaderSyntax, ScalarsAndNumbersAndStringsParse) {
    auto r = read_json_body(
        R"({"i":-12,"u":18446744073709551615,"f":1.5e3,"s":"a\"b\\c\u00e9\n","t":true,"f2":false,"n":null,"arr":[1,"x",{}],"o":{"k":[]}})");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const auto &v = r.value();
    EXPECT_EQ(v["i"].get<long long>(), -12);
    EXPECT_EQ(v["u"].get<unsigned long long>(), 18446744073709551615ull);
    EXPECT_DOUBLE_EQ(v["f"].get<double>(), 1500.0);
    EXPECT_EQ(v["s"].get<std::string>(), "a\"b\\c\xC3\xA9\n");
    EXPECT_TRUE(v["t"].get<bool>());
    EXPECT_FALSE(v["f2"].get<bool>());
    EXPECT_TRUE(v["n"].is_null());
    EXPECT_EQ(v["arr"].size(), 3u);
    EXPECT_EQ(v["arr"][1], "x");
    EXPECT_TRUE(v["o"]["k"].is_array());
    EXPECT_EQ(v.size(), 9u);
}

TEST(JsonReaderSyntax, NonObjectTopLevelValuesAreReturnedAsParsed) {
    // Rejecting a non-object is the caller's step (create_request); the reader parses any value.
    EXPECT_TRUE(read_json_body("[1,2]").value().is_array());
    EXPECT_TRUE(read_json_body("42").value().is_number());
    EXPECT_TRUE(read_json_body("null").value().is_null());
}

TEST(JsonReaderSyntax, NumberOverflowIs400) { expect_invalid_json(read_json_body("{\"a\":1e999}")); }

TEST(JsonReaderDepth, SixtyFourLevelsAreAccepted) {
    auto arrays = read_json_body(nested_arrays(64));
    EXPECT_TRUE(arrays.ok()) << arrays.error().message;
    auto objects = read_json_body(nested_objects(64));
    EXPECT_TRUE(objects.ok()) << objects.error().message;
    // The parsed structure really is 64 levels deep.
    const nlohmann::json *node = &objects.value();
    int depth = 1;
    while (node->contains("a")) {
        node = &(*node)["a"];
        ++depth;
    }
    EXPECT_EQ(depth, 64);
}

TEST(JsonReaderDepth, SixtyFiveLevelsAreRefused) {
    expect_invalid_json(read_json_body(nested_arrays(65)), "64");
    expect_invalid_json(read_json_body(nested_objects(65)), "64");
    expect_invalid_json(read_json_body("{\"a\":" + nested_arrays(64) + "}"), "64");
}

TEST(JsonReaderDepth, HugeDepthIsRefusedWithoutCrashing) {
    expect_invalid_json(read_json_body(std::string(100000, '[')));
    expect_invalid_json(read_json_body(nested_arrays(100000)));
    std::string objects;
    for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
    expect_invalid_json(read_json_body(objects));
}

TEST(JsonReaderDepth, ConfigurableDepth) {
    EXPECT_TRUE(read_json_body("[[1]]", JsonLimits{kMiB, 2}).ok());
    expect_invalid_json(read_json_body("[[[1]]]", JsonLimits{kMiB, 2}));
}

TEST(JsonReaderDuplicateKeys, TopLevelDuplicateIsRefusedNamingTheKey) {
    expect_invalid_json(read_json_body(R"({"partnerId":"a","partnerId":"b"})"), "'partnerId'");
    expect_invalid_json(read_json_body(R"({"x":1,"y":2,"x":1})"), "'x'");
}

TEST(JsonReaderDuplicateKeys, NestedDuplicateIsRefusedNamingTheKey) {
    expect_invalid_json(read_json_body(R"({"a":{"b":1,"b":2}})"), "'b'");
    expect_invalid_json(read_json_body(R"({"a":[{"k":1},{"deep":{"q":1,"q":null}}]})"), "'q'");
    expect_invalid_json(read_json_body(R"([{"z":1,"z":1}])"), "'z'");
}

TEST(JsonReaderDuplicateKeys, EscapedSpellingOfTheSameKeyIsADuplicate) {
    expect_invalid_json(read_json_body(R"({"a":1,"\u0061":2})"), "'a'");
}

TEST(JsonReaderDuplicateKeys, SameKeyInSiblingObjectsIsFine) {
    auto r = read_json_body(R"({"a":{"k":1},"b":{"k":2},"c":[{"k":3},{"k":4}]})");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value()["c"][1]["k"], 4);
}

// read_json_body reads flat objects of plain strings and literals itself and hands everything else
// to the strict SAX parser: both must give the same result (value or error) for every input.
void expect_same_as_strict(std::string_view body) {
    const auto fast = read_json_body(body);
    const auto strict = read_json_body_strict(body);
    ASSERT_EQ(fast.ok(), strict.ok()) << body;
    if (fast.ok()) {
        EXPECT_EQ(fast.value(), strict.value()) << body;
        EXPECT_EQ(fast.value().dump(), strict.value().dump()) << body;
    } else {
        EXPECT_EQ(fast.error().status, strict.error().status) << body;
        EXPECT_EQ(fast.error().inner_code, strict.error().inner_code) << body;
        EXPECT_EQ(fast.error().message, strict.error().message) << body;
    }
}

TEST(JsonReaderFlatObjects, TheShortcutAgreesWithTheStrictParser) {
    const char *bodies[] = {
        R"({"@odata.type":"#microsoft.graph.cloudPcExternalPartner","partnerId":"198d7140-80bb-4843-8cc4-811377a49a92","enableConnection":true})",
        "{}", " { } ", "\t{\r\n\"a\" : \"b\" ,\n \"c\":false , \"d\" :null}\n ",
        R"({"a":true,"b":false,"c":null,"d":""})", R"({"":""})", R"({"ü":"é€😀"})",
        R"({"a":"x","a":"y"})", R"({"a":true,"a":true})",           // duplicates: strict parser's error
        R"({"a":"x\"y"})", R"({"a\u0061":1})", R"({"a":"\u0000"})",  // escapes: strict parser
        "{\"a\":\"tab\there\"}", "{\"a\x1f\":1}",                    // raw control characters: refused
        R"({"a":1})", R"({"a":-0.5e3})", R"({"a":[]})", R"({"a":{}})", R"({"a":[true]})",
        R"({"a":tru})", R"({"a":truee})", R"({"a":nul})", R"({"a":True})", R"({"a" "b"})",
        R"({"a":"b",})", R"({,"a":"b"})", R"({"a":"b"}})", R"({"a":"b"} x)", R"({"a":"b")",
        R"({"a":"b)", R"({"a)", R"({"a":)", R"({"a")", "{", R"({"a":"b"}{})", R"({'a':'b'})",
        R"({"a":"b"}//)", R"(/**/{"a":"b"})", "\v{}", "{}\f", "\xc2\xa0{}", R"([])", R"("x")", "true", "null",
    };
    for (const char *body : bodies) expect_same_as_strict(body);
}

TEST(JsonReaderFlatObjects, DepthLimitOfZeroStillRefusesAnObject) {
    const JsonLimits none{1024, 0};
    EXPECT_FALSE(read_json_body(R"({"a":"b"})", none).ok());
    EXPECT_FALSE(read_json_body_strict(R"({"a":"b"})", none).ok());
}

TEST(JsonReaderFlatObjects, ByteChecksComeFirstOnBothPaths) {
    for (auto *read : {&read_json_body, &read_json_body_strict}) {
        expect_invalid_json((*read)(std::string_view("{\"a\":\"b\0\"}", 10), {}), "NUL");
        expect_invalid_json((*read)("{\"a\":\"\xff\"}", {}), "UTF-8");
        const auto big = (*read)(object_of_size(kMiB + 1), {});
        ASSERT_FALSE(big.ok());
        EXPECT_EQ(big.error().status, 413);
    }
}

}  // namespace
}  // namespace cpep
