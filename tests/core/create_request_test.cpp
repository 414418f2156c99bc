#include "core/create_request.h"

#include <gtest/gtest.h>

#include <string>

namespace cpep {
namespace {

using json = nlohmann::json;

constexpr const char *kPartner = "198d7140-80bb-4843-8cc4-811377a49a92";

json valid_body() { return {{"partnerId", kPartner}, {"enableConnection", true}}; }

json with(json body, const std::string &key, json value) {
    body[key] = std::move(value);
    return body;
}
json without(json body, const std::string &key) {
    body.erase(key);
    return body;
}

void expect_400(const json &body, std::string_view inner, std::string_view message_part = {}) {
    SCOPED_TRACE(body.dump());
    auto r = validate_create_body(body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "badRequest");
    EXPECT_EQ(r.error().inner_code, inner) << r.error().message;
    if (!message_part.empty()) {
        EXPECT_NE(r.error().message.find(message_part), std::string::npos) << r.error().message;
    }
}

std::string unknown_message(std::string_view key) {
    return "The property '" + std::string(key) + "' does not exist on type 'microsoft.graph.cloudPcExternalPartner'.";
}

TEST(CreateRequest, ValidBodyGivesTheCommand) {
    for (bool enable : {true, false}) {
        auto r = validate_create_body(with(valid_body(), "enableConnection", enable));
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r.value().partner_id, kPartner);
        EXPECT_EQ(r.value().enable_connection, enable);
    }
}

TEST(CreateRequest, PartnerIdIsCanonicalisedToLowercase) {
    auto r = validate_create_body(with(valid_body(), "partnerId", "198D7140-80BB-4843-8CC4-811377A49A92"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().partner_id, kPartner);
}

TEST(CreateRequest, ODataTypeBothFormsAccepted) {
    for (const char *type : {"#microsoft.graph.cloudPcExternalPartner", "microsoft.graph.cloudPcExternalPartner"}) {
        SCOPED_TRACE(type);
        auto r = validate_create_body(with(valid_body(), "@odata.type", type));
        EXPECT_TRUE(r.ok()) << r.error().message;
    }
}

TEST(CreateRequest, WrongODataTypeIs400) {
    const json wrong[] = {"#microsoft.graph.cloudPC", "#microsoft.graph.cloudpcexternalpartner",
                          "##microsoft.graph.cloudPcExternalPartner", "", "#",
                          "#microsoft.graph.cloudPcExternalPartner ", 1, true, nullptr,
                          json::array({"#microsoft.graph.cloudPcExternalPartner"}), json::object()};
    for (const json &type : wrong) expect_400(with(valid_body(), "@odata.type", type), "invalidODataType");
}

TEST(CreateRequest, NotAnObjectIs400) {
    for (const json &body : {json::array(), json(nullptr), json(1), json("x"), json(true)}) {
        SCOPED_TRACE(body.dump());
        auto r = validate_create_body(body);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().status, 400);
    }
}

TEST(CreateRequest, UnknownPropertyMessageIsGraphs) {
    for (const char *key : {"displayName", "PartnerId", "enableconnection", "@odata.context", "partnerid", ""}) {
        SCOPED_TRACE(key);
        auto r = validate_create_body(with(valid_body(), key, "x"));
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().status, 400);
        EXPECT_EQ(r.error().inner_code, "unknownProperty");
        EXPECT_EQ(r.error().message, unknown_message(key));
    }
}

TEST(CreateRequest, ReadOnlyPropertiesAre400NamingThem) {
    const std::pair<const char *, json> read_only[] = {
        {"id", "6a7d5a1f-4fb3-4c1c-8e1a-4b2b0b0c5d3e"},
        {"connectionStatus", "available"},
        {"statusDetails", "fine"},
        {"lastSyncDateTime", "2020-11-03T12:43:14Z"},
        {"agentSetting", json::object()},
        {"agentSetting", nullptr},
        {"statusDetails", nullptr},
    };
    for (const auto &[key, value] : read_only) {
        expect_400(with(valid_body(), key, value), "propertyNotUpdateable", "'" + std::string(key) + "'");
        EXPECT_TRUE(is_read_only_property(key));
        EXPECT_TRUE(is_entity_property(key));
    }
    EXPECT_FALSE(is_read_only_property("partnerId"));
    EXPECT_FALSE(is_read_only_property("enableConnection"));
    EXPECT_TRUE(is_entity_property("partnerId"));
    EXPECT_TRUE(is_entity_property("enableConnection"));
    EXPECT_FALSE(is_entity_property("displayName"));
}

TEST(CreateRequest, PartnerIdMissingNullWrongTypeOrNotAGuidIs400) {
    expect_400(without(valid_body(), "partnerId"), "missingProperty", "partnerId");
    const json bad[] = {nullptr, 42, true, json::array({kPartner}), json::object(), "",
                        "not-a-guid", "{198d7140-80bb-4843-8cc4-811377a49a92}",
                        "198d714080bb48438cc4811377a49a92", " 198d7140-80bb-4843-8cc4-811377a49a92"};
    for (const json &value : bad) expect_400(with(valid_body(), "partnerId", value), "invalidProperty", "partnerId");
}

TEST(CreateRequest, EnableConnectionMissingNullOrNotABooleanIs400) {
    expect_400(without(valid_body(), "enableConnection"), "missingProperty", "enableConnection");
    const json bad[] = {nullptr, "true", "false", 1, 0, 1.0, json::array({true}), json::object()};
    for (const json &value : bad)
        expect_400(with(valid_body(), "enableConnection", value), "invalidProperty", "enableConnection");
}

TEST(CreateRequest, EmptyObjectReportsMissingPartnerIdFirst) {
    expect_400(json::object(), "missingProperty", "partnerId");
}

// CONTRACT §3: steps 2-5 in order; the first failing step answers.
TEST(CreateRequestPrecedence, UnknownKeyBeatsBadPartnerId) {
    json body = {{"partnerId", "nope"}, {"enableConnection", "yes"}, {"colour", "red"}};
    auto r = validate_create_body(body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().inner_code, "unknownProperty");
    EXPECT_EQ(r.error().message, unknown_message("colour"));
}

TEST(CreateRequestPrecedence, BadODataTypeBeatsUnknownKey) {
    json body = {{"@odata.type", "#microsoft.graph.user"}, {"aaa", 1}, {"partnerId", 1}};
    expect_400(body, "invalidODataType");
}

TEST(CreateRequestPrecedence, UnknownKeyBeatsReadOnly) {
    json body = {{"id", "x"}, {"zzz", 1}, {"partnerId", kPartner}, {"enableConnection", true}};
    expect_400(body, "unknownProperty", "'zzz'");
}

TEST(CreateRequestPrecedence, ReadOnlyBeatsMissingPartnerId) {
    expect_400(json{{"connectionStatus", "healthy"}}, "propertyNotUpdateable", "connectionStatus");
    expect_400(json{{"lastSyncDateTime", nullptr}, {"partnerId", nullptr}}, "propertyNotUpdateable",
               "lastSyncDateTime");
}

TEST(CreateRequestPrecedence, PartnerIdBeatsEnableConnection) {
    expect_400(json{{"partnerId", "x"}, {"enableConnection", "x"}}, "invalidProperty", "partnerId");
    expect_400(json{{"enableConnection", 1}}, "missingProperty", "partnerId");
}

TEST(CreateRequestCheckObjectAndType, SharedChecks) {
    EXPECT_FALSE(check_object_and_type(valid_body()).has_value());
    EXPECT_FALSE(check_object_and_type(json{{"enableConnection", true}}).has_value());
    auto unknown = check_object_and_type(json{{"foo", 1}});
    ASSERT_TRUE(unknown.has_value());
    EXPECT_EQ(unknown->inner_code, "unknownProperty");
    auto type = check_object_and_type(json{{"@odata.type", 5}});
    ASSERT_TRUE(type.has_value());
    EXPECT_EQ(type->inner_code, "invalidODataType");
    ASSERT_TRUE(check_object_and_type(json::array()).has_value());
}

}  // namespace
}  // namespace cpep
