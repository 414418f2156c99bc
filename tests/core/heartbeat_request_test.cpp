#include "core/heartbeat_request.h"

#include <gtest/gtest.h>

#include <string>

namespace cpep {
namespace {

using json = nlohmann::json;

void expect_400(const json &body, std::string_view inner) {
    SCOPED_TRACE(body.dump());
    auto r = validate_heartbeat_body(body);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "badRequest");
    EXPECT_EQ(r.error().inner_code, inner) << r.error().message;
}

TEST(HeartbeatRequest, PartnerIdIsCanonicalised) {
    auto r = validate_heartbeat_body(json{{"partnerId", "198D7140-80BB-4843-8CC4-811377A49A92"}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value(), "198d7140-80bb-4843-8cc4-811377a49a92");
}

TEST(HeartbeatRequest, MissingOrInvalidPartnerIdIs400) {
    expect_400(json::object(), "missingProperty");
    for (const json &v : {json(nullptr), json(1), json("x"), json("{198d7140-80bb-4843-8cc4-811377a49a92}"),
                          json::array({"198d7140-80bb-4843-8cc4-811377a49a92"})})
        expect_400(json{{"partnerId", v}}, "invalidProperty");
}

TEST(HeartbeatRequest, AnyOtherKeyIs400) {
    expect_400(json{{"partnerId", "198d7140-80bb-4843-8cc4-811377a49a92"}, {"status", "ok"}}, "unknownProperty");
    expect_400(json{{"partnerId", "198d7140-80bb-4843-8cc4-811377a49a92"},
                    {"@odata.type", "#microsoft.graph.cloudPcExternalPartner"}},
               "unknownProperty");
}

TEST(HeartbeatRequest, NotAnObjectIs400) {
    expect_400(json::array(), "invalidJson");
    expect_400(json("198d7140-80bb-4843-8cc4-811377a49a92"), "invalidJson");
}

}  // namespace
}  // namespace cpep
