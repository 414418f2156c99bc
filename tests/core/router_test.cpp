#include "core/router.h"

#include <gtest/gtest.h>

#include <string>

namespace cpep {
namespace {

const std::string kRoot = "https://graph.microsoft.com/beta";
const std::string kCollection = "/deviceManagement/virtualEndpoint/externalPartners";
const std::string kId = "6a7d5a1f-4fb3-4c1c-8e1a-4b2b0b0c5d3e";
const std::string kItem = kCollection + "/" + kId;

RouteMatch expect_route(std::string_view method, const std::string &url, Route route) {
    SCOPED_TRACE(std::string(method) + " " + url);
    auto r = match_route(method, url);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    if (!r.ok()) return RouteMatch{};
    EXPECT_EQ(r.value().route, route);
    return r.value();
}

void expect_error(std::string_view method, const std::string &url, int status, std::string_view code) {
    SCOPED_TRACE(std::string(method) + " " + url);
    auto r = match_route(method, url);
    ASSERT_FALSE(r.ok()) << "routed to " << static_cast<int>(r.value().route);
    EXPECT_EQ(r.error().status, status);
    EXPECT_EQ(r.error().code, code);
    EXPECT_FALSE(r.error().message.empty());
    if (status == 404) {
        EXPECT_EQ(r.error().inner_code, "resourceNotFound");
    }
}

TEST(Router, PostCollectionIsCreateWithOrWithoutServiceRoot) {
    const std::string urls[] = {
        kCollection,
        kRoot + kCollection,
        "/DEVICEMANAGEMENT/VIRTUALENDPOINT/EXTERNALPARTNERS",
        "/devicemanagement/virtualendpoint/externalpartners",
        "HTTPS://GRAPH.MICROSOFT.COM/BETA/deviceManagement/VirtualEndpoint/externalPartners",
    };
    for (const std::string &url : urls) {
        RouteMatch m = expect_route("POST", url, Route::create_partner);
        EXPECT_TRUE(m.query.empty());
        EXPECT_TRUE(m.id.empty());
    }
}

TEST(Router, QueryStringIsCaptured) {
    EXPECT_EQ(expect_route("POST", kCollection + "?$select=id&x=1", Route::create_partner).query, "$select=id&x=1");
    EXPECT_EQ(expect_route("POST", kRoot + kCollection + "?a=b", Route::create_partner).query, "a=b");
    EXPECT_TRUE(expect_route("POST", kCollection + "?", Route::create_partner).query.empty());
    // Only the first '?' splits; the rest belongs to the query.
    EXPECT_EQ(expect_route("POST", kCollection + "?a=?b", Route::create_partner).query, "a=?b");
}

TEST(Router, OtherMethodsOnCollectionAre405) {
    for (const char *method : {"PATCH", "PUT", "DELETE", "HEAD", "OPTIONS", "post", "get", ""}) {
        expect_error(method, kCollection, 405, "methodNotAllowed");
        expect_error(method, kRoot + kCollection + "?$top=1", 405, "methodNotAllowed");
    }
}

TEST(Router, GetCollectionIsList) { expect_route("GET", kCollection + "?$top=5", Route::list_partners); }

TEST(Router, ItemRoutesCarryTheDecodedId) {
    EXPECT_EQ(expect_route("GET", kItem, Route::get_partner).id, kId);
    EXPECT_EQ(expect_route("PATCH", kRoot + kItem, Route::update_partner).id, kId);
    EXPECT_EQ(expect_route("DELETE", kItem, Route::delete_partner).id, kId);
    // The id is not validated here: a non-GUID id is a 404 of the service, after the caller.
    EXPECT_EQ(expect_route("GET", kCollection + "/not-a-guid", Route::get_partner).id, "not-a-guid");
    EXPECT_EQ(expect_route("GET", kCollection + "/%36a7d5a1f-4fb3-4c1c-8e1a-4b2b0b0c5d3e", Route::get_partner).id, kId);
    for (const char *method : {"POST", "PUT", "HEAD"}) expect_error(method, kItem, 405, "methodNotAllowed");
}

TEST(Router, BoundOperations) {
    expect_route("POST", kItem + "/configureAgent", Route::configure_agent);
    expect_route("POST", kItem + "/CONFIGUREAGENT", Route::configure_agent);
    expect_route("POST", kItem + "/deployAgent", Route::deploy_agent);
    expect_route("GET", kItem + "/retrieveActionReports", Route::retrieve_reports);
    expect_route("GET", kItem + "/retrieveActionReports()", Route::retrieve_reports);
    RouteMatch m = expect_route("GET", kItem + "/retrieveDeployAgentActionResults(activityId='a',cloudPcId='%62')",
                                Route::retrieve_results);
    EXPECT_EQ(m.id, kId);
    EXPECT_EQ(m.function_args, "activityId='a',cloudPcId='b'");
    for (const char *method : {"GET", "PATCH", "DELETE"}) {
        expect_error(method, kItem + "/configureAgent", 405, "methodNotAllowed");
        expect_error(method, kItem + "/deployAgent", 405, "methodNotAllowed");
    }
    for (const char *method : {"POST", "PATCH", "DELETE"}) {
        expect_error(method, kItem + "/retrieveActionReports", 405, "methodNotAllowed");
        expect_error(method, kItem + "/retrieveDeployAgentActionResults(activityId='',cloudPcId='')", 405,
                     "methodNotAllowed");
    }
}

TEST(Router, PartnerHeartbeat) {
    expect_route("POST", "/partnerApi/heartbeat", Route::heartbeat);
    expect_route("POST", "/PARTNERAPI/Heartbeat", Route::heartbeat);
    for (const char *method : {"GET", "PUT", "DELETE"}) expect_error(method, "/partnerApi/heartbeat", 405, "methodNotAllowed");
    expect_error("POST", "/partnerApi", 404, "notFound");
    expect_error("POST", "/partnerApi/other", 404, "notFound");
    expect_error("POST", "/partnerApi/heartbeat/x", 404, "notFound");
}

TEST(Router, UnknownPathsAre404) {
    const std::string paths[] = {
        "",
        "/",
        "/foo",
        "deviceManagement/virtualEndpoint/externalPartners",  // no leading slash
        "/deviceManagement",
        "/deviceManagement/virtualEndpoint",
        "/deviceManagement/virtualEndpoint/other",
        "/deviceManagement/other/externalPartners",
        "/other/virtualEndpoint/externalPartners",
        "/deviceManagement/virtualEndpoint/externalPartnersX",
        "//deviceManagement/virtualEndpoint/externalPartners",
        "/deviceManagement//virtualEndpoint/externalPartners",
        kCollection + "//configureAgent",
        kItem + "/unknownAction",
        kItem + "/configureAgent()",
        kItem + "/retrieveActionReports(x)",
        kItem + "/retrieveDeployAgentActionResults(",
        kItem + "/configureAgent/extra",                      // too many segments
        kItem + "/deployAgent/a/b",
        kCollection + "/%zz",                                 // malformed escape
        kCollection + "/abc%4",
        "https://graph.microsoft.com/v1.0/deviceManagement/virtualEndpoint/externalPartners",
        "https://graph.microsoft.com/beta",
        "https://graph.microsoft.com/betadeviceManagement/virtualEndpoint/externalPartners",
        "https://example.com/beta/deviceManagement/virtualEndpoint/externalPartners",
        "?/deviceManagement/virtualEndpoint/externalPartners",
    };
    for (const std::string &path : paths)
        for (const char *method : {"POST", "GET", "PUT"}) expect_error(method, path, 404, "notFound");
}

TEST(Router, OneTrailingSlashIsHarmless) {
    expect_route("POST", kCollection + "/", Route::create_partner);
    EXPECT_EQ(expect_route("GET", kItem + "/", Route::get_partner).id, kId);
}

TEST(Router, NotFoundMessageNamesTheSegment) {
    auto r = match_route("POST", "/deviceManagement/virtualEndpoint/other");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("'other'"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace cpep
