#include "core/graph_json.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "core/json_reader.h"

namespace cpep {
namespace {

using json = nlohmann::json;

constexpr const char *kId = "6a7d5a1f-4fb3-4c1c-8e1a-4b2b0b0c5d3e";
constexpr const char *kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr const char *kPartner = "198d7140-80bb-4843-8cc4-811377a49a92";

// Parses with nlohmann and also with the strict reader, which refuses a repeated key.
json parse_output(const std::string &text) {
    auto strict = read_json_body(text, JsonLimits{1 << 30, 64});
    EXPECT_TRUE(strict.ok()) << text << " -> " << (strict.ok() ? "" : strict.error().message);
    return json::parse(text);
}

std::set<std::string> keys_of(const json &object) {
    std::set<std::string> keys;
    for (const auto &[k, v] : object.items()) keys.insert(k);
    return keys;
}

TEST(RenderPartner, EnabledEntityHasExactlyTheContractKeys) {
    const Instant created = Instant::from_seconds(1604407394);
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, created);
    const std::string text = render_partner(p, derive_status(p, created, StatusPolicy{}));
    json body = parse_output(text);
    ASSERT_TRUE(body.is_object());
    EXPECT_EQ(keys_of(body), (std::set<std::string>{"@odata.context", "@odata.type", "id", "partnerId",
                                                    "enableConnection", "lastSyncDateTime", "connectionStatus",
                                                    "statusDetails", "agentSetting"}));
    EXPECT_EQ(body["@odata.context"],
              "https://graph.microsoft.com/beta/$metadata#deviceManagement/virtualEndpoint/externalPartners/$entity");
    EXPECT_EQ(body["@odata.type"], "#microsoft.graph.cloudPcExternalPartner");
    EXPECT_EQ(body["id"], kId);
    EXPECT_EQ(body["partnerId"], kPartner);
    EXPECT_EQ(body["enableConnection"], true);
    EXPECT_EQ(body["lastSyncDateTime"], "2020-11-03T12:43:14Z");
    EXPECT_EQ(body["connectionStatus"], "available");
    EXPECT_EQ(body["statusDetails"], "The external partner is available");
    EXPECT_TRUE(body["agentSetting"].is_null());
    // The tenant is never part of the entity.
    EXPECT_EQ(text.find(kTenant), std::string::npos);
}

TEST(RenderPartner, DisabledEntityHasNullLastSync) {
    const Instant created = Instant::from_seconds(1604407394);
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, false, created);
    json body = parse_output(render_partner(p, derive_status(p, created, StatusPolicy{})));
    EXPECT_EQ(body["enableConnection"], false);
    EXPECT_TRUE(body["lastSyncDateTime"].is_null());
    EXPECT_EQ(body["connectionStatus"], "notAvailable");
    EXPECT_EQ(body["statusDetails"], "The external partner connection is disabled");
    EXPECT_EQ(body.size(), 9u);
}

TEST(RenderPartner, FractionalSecondsOnlyWhenNonZero) {
    const Instant created{1604407394'000'000 + 120'000};
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, created);
    json body = parse_output(render_partner(p, derive_status(p, created, StatusPolicy{})));
    EXPECT_EQ(body["lastSyncDateTime"], "2020-11-03T12:43:14.12Z");
}

TEST(RenderPartner, AppendPartnerIsAnObjectWithoutContext) {
    const Instant created = Instant::from_seconds(0);
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, created);
    std::string out = "[";
    append_partner(out, p, derive_status(p, created, StatusPolicy{}));
    out += "]";
    json body = parse_output(out);
    ASSERT_EQ(body.size(), 1u);
    EXPECT_FALSE(body[0].contains("@odata.context"));
    EXPECT_EQ(body[0]["@odata.type"], "#microsoft.graph.cloudPcExternalPartner");
    EXPECT_EQ(body[0]["lastSyncDateTime"], "1970-01-01T00:00:00Z");
    EXPECT_EQ(body[0].size(), 8u);
}

TEST(RenderPartner, SelectMaskKeepsIdAndType) {
    const Instant created = Instant::from_seconds(1604407394);
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, created);
    const PartnerStatus status = derive_status(p, created, StatusPolicy{});
    json some = parse_output(render_partner(p, status, 2 | 16, "(id,partnerId,connectionStatus)"));
    EXPECT_EQ(keys_of(some), (std::set<std::string>{"@odata.context", "@odata.type", "id", "partnerId", "connectionStatus"}));
    EXPECT_EQ(some["@odata.context"],
              "https://graph.microsoft.com/beta/$metadata#deviceManagement/virtualEndpoint/externalPartners"
              "(id,partnerId,connectionStatus)/$entity");
    json none = parse_output(render_partner(p, status, 0));
    EXPECT_EQ(keys_of(none), (std::set<std::string>{"@odata.context", "@odata.type", "id"}));
}

TEST(RenderPartner, ConfiguredAgentSettingIsAnObject) {
    const Instant created = Instant::from_seconds(1604407394);
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, false, created);
    p.agent_setting = AgentSetting{"https://contoso.com/agent.msi", std::string(64, 'a'), {"/quiet", "a\"b"}, true};
    json body = parse_output(render_partner(p, derive_status(p, created, StatusPolicy{})));
    const json &s = body["agentSetting"];
    EXPECT_EQ(s["agentUrl"], "https://contoso.com/agent.msi");
    EXPECT_EQ(s["agentSha256"], std::string(64, 'a'));
    EXPECT_EQ(s["installParameters"], json::array({"/quiet", "a\"b"}));
    EXPECT_EQ(s["autoDeploymentEnabled"], true);
}

TEST(RenderPartner, UnhealthyDetailsAreEscapedAndParse) {
    const Instant created = Instant::from_seconds(1604407394);
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, created);
    p.last_heartbeat_at = created;
    json body = parse_output(render_partner(p, derive_status(p, created.plus_seconds(901), StatusPolicy{})));
    EXPECT_EQ(body["connectionStatus"], "unhealthy");
    EXPECT_EQ(body["lastSyncDateTime"], "2020-11-03T12:43:14Z");
}

TEST(RenderError, ShapeWithAllFields) {
    GraphError e{400, "badRequest", "unknownProperty", "The property 'x' does not exist."};
    const std::string text = render_error(e, {"req-1", "2020-11-03T12:43:14", "client-1"});
    json body = parse_output(text);
    EXPECT_EQ(keys_of(body), (std::set<std::string>{"error"}));
    const json &error = body["error"];
    EXPECT_EQ(keys_of(error), (std::set<std::string>{"code", "message", "innerError"}));
    EXPECT_EQ(error["code"], "badRequest");
    EXPECT_EQ(error["message"], "The property 'x' does not exist.");
    const json &inner = error["innerError"];
    EXPECT_EQ(keys_of(inner), (std::set<std::string>{"code", "date", "request-id", "client-request-id"}));
    EXPECT_EQ(inner["code"], "unknownProperty");
    EXPECT_EQ(inner["date"], "2020-11-03T12:43:14");
    EXPECT_EQ(inner["request-id"], "req-1");
    EXPECT_EQ(inner["client-request-id"], "client-1");
}

TEST(RenderError, OptionalFieldsAreOmitted) {
    GraphError e{405, "methodNotAllowed", "", "No."};
    json body = parse_output(render_error(e, {"req-2", "2020-11-03T12:43:14", ""}));
    EXPECT_EQ(keys_of(body["error"]["innerError"]), (std::set<std::string>{"date", "request-id"}));
}

TEST(RenderError, HostileTextIsEscaped) {
    GraphError e{400, "badRequest", "x\"y", std::string("quote \" backslash \\ nl \n ctl \x01 del \x7f nul ") + '\0' + " end"};
    const std::string client = "c\"l\\i\x1f";
    json body = parse_output(render_error(e, {"r", "d", client}));
    EXPECT_EQ(body["error"]["message"], e.message);
    EXPECT_EQ(body["error"]["innerError"]["code"], "x\"y");
    EXPECT_EQ(body["error"]["innerError"]["client-request-id"], client);
}

TEST(AppendJsonString, EscapesExactly) {
    struct Case {
        std::string in;
        const char *out;
    } const cases[] = {
        {"", R"("")"},
        {"plain", R"("plain")"},
        {"a\"b", R"("a\"b")"},
        {"a\\b", R"("a\\b")"},
        {"\n\r\t\b\f", R"("\n\r\t\b\f")"},
        {"\x01", R"("\u0001")"},
        {"\x1f", R"("\u001f")"},
        {std::string("\0", 1), R"("\u0000")"},
        {"/", R"("/")"},
        {"\x7f", "\"\x7f\""},
        {"caf\xC3\xA9 \xF0\x9F\x98\x80", "\"caf\xC3\xA9 \xF0\x9F\x98\x80\""},
        {"\"\"", R"("\"\"")"},
        {"end\\", R"("end\\")"},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(testing::PrintToString(c.in));
        std::string out = "prefix:";
        append_json_string(out, c.in);
        EXPECT_EQ(out, std::string("prefix:") + c.out);
        EXPECT_EQ(json::parse(out.substr(7)).get<std::string>(), c.in);
    }
}

TEST(AppendJsonString, EveryByteBelow0x80RoundTrips) {
    std::string all;
    for (int c = 0; c < 0x80; ++c) all.push_back(static_cast<char>(c));
    std::string out;
    append_json_string(out, all);
    EXPECT_EQ(json::parse(out).get<std::string>(), all);
}

}  // namespace
}  // namespace cpep

namespace cpep {
namespace {

TEST(GraphErrors, FactoriesUseTheContractCodes) {
    struct Case {
        GraphError e;
        int status;
        const char *code;
        const char *inner;
    } const cases[] = {
        {errors::bad_request("invalidJson", "m"), 400, "badRequest", "invalidJson"},
        {errors::unauthorized("tokenMissing", "m"), 401, "InvalidAuthenticationToken", "tokenMissing"},
        {errors::forbidden("missingRole", "m"), 403, "forbidden", "missingRole"},
        {errors::not_found("m"), 404, "notFound", "resourceNotFound"},
        {errors::method_not_allowed("m"), 405, "methodNotAllowed", ""},
        {errors::conflict("partnerAlreadyExists", "m"), 409, "conflict", "partnerAlreadyExists"},
        {errors::payload_too_large("m"), 413, "requestEntityTooLarge", ""},
        {errors::internal_storage(), 500, "internalServerError", "storageError"},
        {errors::storage_busy(), 503, "serviceUnavailable", "storageBusy"},
        {errors::disk_full(), 507, "insufficientStorage", "diskFull"},
        {errors::internal_unexpected(), 500, "internalServerError", ""},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.code);
        EXPECT_EQ(c.e.status, c.status);
        EXPECT_EQ(c.e.code, c.code);
        EXPECT_EQ(c.e.inner_code, c.inner);
        EXPECT_FALSE(c.e.message.empty());
    }
}

TEST(QuoteForMessage, ShortTextIsKept) {
    EXPECT_EQ(quote_for_message("abc"), "abc");
    EXPECT_EQ(quote_for_message(std::string(120, 'x')), std::string(120, 'x'));
    EXPECT_EQ(quote_for_message("abcd", 4), "abcd");
}

TEST(QuoteForMessage, LongTextIsCutWithAnEllipsis) {
    EXPECT_EQ(quote_for_message(std::string(121, 'x')), std::string(120, 'x') + "\xE2\x80\xA6");
    EXPECT_EQ(quote_for_message("abcdef", 3), "abc\xE2\x80\xA6");
}

TEST(QuoteForMessage, CutsOnACharacterBoundary) {
    // "aé€😀": 'a' 1 byte, é 2, € 3, 😀 4. No cut may split a character.
    const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80tail";
    for (std::size_t limit = 1; limit < text.size(); ++limit) {
        SCOPED_TRACE(limit);
        const std::string q = quote_for_message(text, limit);
        EXPECT_EQ(find_invalid_utf8(q), std::string_view::npos) << testing::PrintToString(q);
        EXPECT_LE(q.size(), limit + 3);
    }
    EXPECT_EQ(quote_for_message(text, 2), "a\xE2\x80\xA6");
    EXPECT_EQ(quote_for_message(text, 3), "a\xC3\xA9\xE2\x80\xA6");
}

}  // namespace
}  // namespace cpep
