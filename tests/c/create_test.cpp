// The create round trip through both entry points, routing errors and body framing (CONTRACT §1,
// §3, §4) as a C host sees them.
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cpep.h"
#include "support.h"

namespace cpep_test {
namespace {

std::string options_at_now(const char *extra = "") {
    return std::string(R"({"now":")") + std::string(kNow) + "\"" + extra + "}";
}

class Create : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(engine_.open(":memory:", options_at_now()), CPEP_OK) << cpep_error_last(); }

    // The response buffer holds `size` bytes and a NUL, and no NUL before it.
    static void expect_c_string(const Buf &out) {
        ASSERT_NE(out.b.ptr, nullptr);
        EXPECT_EQ(out.b.ptr[out.b.size], '\0');
        EXPECT_EQ(std::strlen(out.b.ptr), out.b.size);
    }

    Engine engine_;
    const std::string caller_ = app_writer();
};

TEST_F(Create, ThroughCreateEntryPointEnabled) {
    const std::string partner = "6B4D3E3C-3AA5-4D1D-9C6E-7F00B1D3F0A1";
    Buf out;
    ASSERT_EQ(engine_.create(out, partner_body(partner, true)), 201) << out.str();
    expect_c_string(out);
    const auto entity = out.json();
    expect_created_entity(entity, "6b4d3e3c-3aa5-4d1d-9c6e-7f00b1d3f0a1", true);
    EXPECT_EQ(entity.value("lastSyncDateTime", ""), kNow);
    // No idSeed: a random (version 4, RFC 4122 variant) UUID.
    const std::string id = entity.value("id", "");
    ASSERT_EQ(id.size(), 36u);
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
}

TEST_F(Create, ThroughCreateEntryPointDisabled) {
    const std::string partner = numbered_guid(2, 1);
    Buf out;
    ASSERT_EQ(engine_.create(out, partner_body(partner, false)), 201) << out.str();
    expect_c_string(out);
    expect_created_entity(out.json(), partner, false);
}

TEST_F(Create, ThroughRouterWithoutPrefix) {
    const std::string partner = numbered_guid(2, 2);
    const std::string body = partner_body(partner, true);
    Buf out;
    ASSERT_EQ(engine_.request(out, "POST", std::string(kPartners), caller_.c_str(), body), 201) << out.str();
    expect_c_string(out);
    const auto entity = out.json();
    expect_created_entity(entity, partner, true);
    EXPECT_EQ(entity.value("lastSyncDateTime", ""), kNow);
}

TEST_F(Create, ThroughRouterWithGraphPrefix) {
    const std::string partner = numbered_guid(2, 3);
    const std::string body = partner_body(partner, false);
    Buf out;
    ASSERT_EQ(engine_.request(out, "POST", std::string(kGraphPrefix) + std::string(kPartners), caller_.c_str(), body),
              201)
        << out.str();
    expect_c_string(out);
    expect_created_entity(out.json(), partner, false);
}

TEST_F(Create, BothEntryPointsShareOneTenantNamespace) {
    const std::string partner = numbered_guid(2, 4);
    Buf first, second;
    ASSERT_EQ(engine_.create(first, partner_body(partner)), 201) << first.str();
    const int status = engine_.request(second, "POST", std::string(kPartners), caller_.c_str(), partner_body(partner));
    expect_graph_error(second, status, 409, "conflict");
}

TEST_F(Create, SeededIdsAreVersion5) {
    Engine seeded;
    ASSERT_EQ(seeded.open(":memory:", options_at_now(R"(,"idSeed":"cpep-c-test")")), CPEP_OK) << cpep_error_last();
    Buf out;
    ASSERT_EQ(seeded.create(out, partner_body(numbered_guid(2, 5))), 201) << out.str();
    const std::string id = out.json().value("id", "");
    ASSERT_TRUE(is_lowercase_uuid(id)) << id;
    EXPECT_EQ(id[14], '5') << id;
}

TEST_F(Create, BodyWithoutTerminatorIsReadByLengthOnly) {
    const std::string body = partner_body(numbered_guid(3, 1));
    // The bytes after body_len are not JSON: the engine must not look past the length.
    std::vector<char> buffer(body.begin(), body.end());
    const std::string trailer = "}}garbage\"";
    buffer.insert(buffer.end(), trailer.begin(), trailer.end());
    Buf out;
    ASSERT_EQ(cpep_create_external_partner(out.p(), engine_.get(), caller_.c_str(), buffer.data(), body.size()), 201)
        << out.str();
    expect_created_entity(out.json(), numbered_guid(3, 1), true);

    const std::string body2 = partner_body(numbered_guid(3, 2));
    std::vector<char> exact(body2.begin(), body2.end());  // no terminator at all
    exact.shrink_to_fit();
    Buf out2;
    ASSERT_EQ(cpep_request(out2.p(), engine_.get(), "POST", std::string(kPartners).c_str(), caller_.c_str(),
                           exact.data(), exact.size()),
              201)
        << out2.str();
}

TEST_F(Create, NulInsideTheLengthIs400) {
    const std::string valid = partner_body(numbered_guid(3, 3));
    std::string with_trailing_nul = valid;
    with_trailing_nul.push_back('\0');
    with_trailing_nul += "garbage";
    std::string with_leading_part = valid.substr(0, 1) + std::string(1, '\0') + valid.substr(1);
    std::string just_a_nul = valid + std::string(1, '\0');
    for (const std::string &body : {with_trailing_nul, with_leading_part, just_a_nul}) {
        Buf out;
        const int status =
            cpep_create_external_partner(out.p(), engine_.get(), caller_.c_str(), body.data(), body.size());
        expect_graph_error(out, status, 400, "badRequest");
        Buf routed;
        const int routed_status = engine_.request(routed, "POST", std::string(kPartners), caller_.c_str(), body);
        expect_graph_error(routed, routed_status, 400, "badRequest");
    }
    // Nothing was created by any of them.
    Buf out;
    EXPECT_EQ(engine_.create(out, valid), 201) << out.str();
}

TEST_F(Create, NulEscapedInsideAStringIsNotAccepted) {
    // "\u0000" is legal JSON but not a GUID: still a 400, never a truncated GUID.
    const std::string body =
        R"({"partnerId":")" + numbered_guid(3, 4) + R"(\u0000x","enableConnection":true})";
    Buf out;
    expect_graph_error(out, engine_.create(out, body), 400, "badRequest");
}

TEST_F(Create, NullCallerIs401AndPersonalAccountIs403) {
    const std::string body = partner_body(numbered_guid(3, 5));
    Buf out;
    const int status = cpep_create_external_partner(out.p(), engine_.get(), nullptr, body.data(), body.size());
    expect_graph_error(out, status, 401, "InvalidAuthenticationToken");
    const std::string personal =
        R"({"tid":"9188040d-6c67-4c5b-b112-36a304b66dad","idtyp":"app","roles":["CloudPC.ReadWrite.All"]})";
    Buf out2;
    const int status2 =
        cpep_create_external_partner(out2.p(), engine_.get(), personal.c_str(), body.data(), body.size());
    expect_graph_error(out2, status2, 403, "forbidden");
}

TEST_F(Create, ErrorDateFollowsTheEngineClock) {
    Buf out;
    const int status = engine_.request(out, "GET", "/deviceManagement/nowhere", caller_.c_str(), {});
    expect_graph_error(out, status, 404, "notFound");
    EXPECT_EQ(out.json()["error"]["innerError"].value("date", ""), "2020-11-03T12:43:14") << out.str();
}

TEST_F(Create, ErrorRequestIdsAreDistinct) {
    Buf a, b;
    engine_.request(a, "GET", "/nowhere", caller_.c_str(), {});
    engine_.request(b, "GET", "/nowhere", caller_.c_str(), {});
    EXPECT_NE(a.json()["error"]["innerError"].value("request-id", "a"),
              b.json()["error"]["innerError"].value("request-id", "b"));
}

struct RouteCase {
    const char *label;  // the test name suffix
    const char *method;
    const char *url;
    int status;
    const char *code;
};

// gtest would otherwise print the struct's bytes, padding included.
void PrintTo(const RouteCase &c, std::ostream *os) { *os << c.method << ' ' << c.url; }

class Routing : public Create, public ::testing::WithParamInterface<RouteCase> {};

TEST_P(Routing, AnswersWithAGraphError) {
    const RouteCase &c = GetParam();
    const std::string body = partner_body(numbered_guid(4, 1));
    for (const char *caller : {caller_.c_str(), static_cast<const char *>(nullptr)}) {
        // Routing precedes the caller check (§4): no caller still gets the 404/405.
        Buf out;
        const int status = engine_.request(out, c.method, c.url, caller, body);
        expect_graph_error(out, status, c.status, c.code);
        expect_c_string(out);
    }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Routing,
    ::testing::Values(
        RouteCase{"Root", "GET", "/", 404, "notFound"}, RouteCase{"EmptyUrl", "GET", "", 404, "notFound"},
        RouteCase{"DeviceManagement", "POST", "/deviceManagement", 404, "notFound"},
        RouteCase{"VirtualEndpoint", "POST", "/deviceManagement/virtualEndpoint", 404, "notFound"},
        RouteCase{"Misspelt", "POST", "/deviceManagement/virtualEndpoint/externalPartnerz", 404, "notFound"},
        RouteCase{"Users", "POST", "/users", 404, "notFound"},
        RouteCase{"PrefixedUsers", "POST", "https://graph.microsoft.com/beta/users", 404, "notFound"},
        RouteCase{"V1Prefix", "POST",
                  "https://graph.microsoft.com/v1.0/deviceManagement/virtualEndpoint/externalPartners", 404,
                  "notFound"},
        RouteCase{"TooDeep", "POST", "/deviceManagement/virtualEndpoint/externalPartners/x/y/z", 404, "notFound"},
        RouteCase{"PutCollection", "PUT", "/deviceManagement/virtualEndpoint/externalPartners", 405,
                  "methodNotAllowed"},
        RouteCase{"PutPrefixedCollection", "PUT",
                  "https://graph.microsoft.com/beta/deviceManagement/virtualEndpoint/externalPartners", 405,
                  "methodNotAllowed"},
        RouteCase{"LowerCaseMethod", "post", "/deviceManagement/virtualEndpoint/externalPartners", 405,
                  "methodNotAllowed"},
        RouteCase{"DeleteCollection", "DELETE", "/deviceManagement/virtualEndpoint/externalPartners", 405,
                  "methodNotAllowed"},
        RouteCase{"PutItem", "PUT",
                  "/deviceManagement/virtualEndpoint/externalPartners/6b4d3e3c-3aa5-4d1d-9c6e-7f00b1d3f0a1", 405,
                  "methodNotAllowed"}),
    [](const ::testing::TestParamInfo<RouteCase> &info) { return std::string(info.param.label); });

}  // namespace
}  // namespace cpep_test
