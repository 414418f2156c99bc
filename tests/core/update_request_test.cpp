#include "core/update_request.h"

#include <gtest/gtest.h>

#include <string>

namespace cpep {
namespace {

using json = nlohmann::json;

void expect_400(const json &body, std::string_view inner, std::string_view message_part = {}) {
    SCOPED_TRACE(body.dump());
    auto r = validate_update_body(body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "badRequest");
    EXPECT_EQ(r.error().inner_code, inner) << r.error().message;
    if (!message_part.empty()) {
        EXPECT_NE(r.error().message.find(message_part), std::string::npos) << r.error().message;
    }
}

TEST(UpdateRequest, EnableConnectionIsTheOnlyChange) {
    for (bool v : {true, false}) {
        auto r = validate_update_body(json{{"enableConnection", v}});
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r.value().enable_connection, v);
    }
    auto typed = validate_update_body(
        json{{"@odata.type", "#microsoft.graph.cloudPcExternalPartner"}, {"enableConnection", false}});
    ASSERT_TRUE(typed.ok());
    EXPECT_EQ(typed.value().enable_connection, false);
}

TEST(UpdateRequest, EmptyObjectChangesNothing) {
    auto r = validate_update_body(json::object());
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r.value().enable_connection.has_value());
}

TEST(UpdateRequest, PartnerIdAndReadOnlyPropertiesAreNotUpdateable) {
    const std::pair<const char *, json> props[] = {
        {"partnerId", "198d7140-80bb-4843-8cc4-811377a49a92"},
        {"id", "x"},
        {"connectionStatus", "healthy"},
        {"statusDetails", "x"},
        {"lastSyncDateTime", nullptr},
        {"agentSetting", json::object()},
    };
    for (const auto &[key, value] : props)
        expect_400(json{{"enableConnection", true}, {key, value}}, "propertyNotUpdateable", "'" + std::string(key) + "'");
}

TEST(UpdateRequest, WrongValuesAndUnknownKeysAre400) {
    for (const json &v : {json(nullptr), json("true"), json(1), json(0), json::array()})
        expect_400(json{{"enableConnection", v}}, "invalidProperty", "enableConnection");
    expect_400(json{{"enableConnection", true}, {"displayName", "x"}}, "unknownProperty",
               "The property 'displayName' does not exist on type 'microsoft.graph.cloudPcExternalPartner'.");
    expect_400(json{{"@odata.type", "#microsoft.graph.user"}, {"enableConnection", true}}, "invalidODataType");
    expect_400(json::array(), "invalidJson");
}

}  // namespace
}  // namespace cpep
