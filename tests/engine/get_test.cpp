// GET …/externalPartners/{id} (CONTRACT §5): the entity, $select, 404 for anything not the
// caller's, and 400 for other query options.
#include "engine_support.h"

namespace cpep::engine_test {
namespace {

const std::set<std::string> kAllEntityKeys = {"@odata.context", "@odata.type",     "id",
                                              "partnerId",      "enableConnection", "lastSyncDateTime",
                                              "connectionStatus", "statusDetails",  "agentSetting"};

TEST(GetPartner, ReturnsEveryPropertyWithTheEntityContext) {
    auto e = memory_engine();
    const std::string partner = guid(0xa, 1);
    const json created = create(*e, admin(kTenantA), upper(partner), true);
    const std::string id = created["id"];

    Reply r = send(*e, "GET", entity_path(id), reader(kTenantA));
    ASSERT_EQ(r.status, 200) << r.body;
    const json got = r.doc();
    EXPECT_EQ(keys_of(got), kAllEntityKeys);
    EXPECT_EQ(got["@odata.context"], kEntityContext);
    EXPECT_EQ(got["@odata.type"], kPartnerType);
    EXPECT_EQ(got["id"], id);
    EXPECT_TRUE(is_guid(id));
    EXPECT_EQ(got["partnerId"], partner);  // stored lowercase
    EXPECT_EQ(got["enableConnection"], true);
    EXPECT_EQ(got["connectionStatus"], "available");
    EXPECT_EQ(got["statusDetails"], "The external partner is available");
    EXPECT_EQ(got["lastSyncDateTime"], at(0));
    EXPECT_TRUE(got["agentSetting"].is_null());
    EXPECT_EQ(got, created);
}

TEST(GetPartner, DisabledPartnerIsNotAvailableWithNullLastSync) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), false)["id"];
    const json got = get(*e, reader(kTenantA), id);
    EXPECT_EQ(got["enableConnection"], false);
    EXPECT_EQ(got["connectionStatus"], "notAvailable");
    EXPECT_EQ(got["statusDetails"], "The external partner connection is disabled");
    EXPECT_TRUE(got["lastSyncDateTime"].is_null());
}

TEST(GetPartner, AcceptsTheServiceRootUpperCaseIdsAndATrailingSlash) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1))["id"];
    const json expected = get(*e, reader(kTenantA), id);
    for (const std::string &url : {kRoot + entity_path(id), entity_path(upper(id)), entity_path(id) + "/",
                                   kRoot + "/devicemanagement/VIRTUALENDPOINT/externalpartners/" + id}) {
        Reply r = send(*e, "GET", url, reader(kTenantA));
        ASSERT_EQ(r.status, 200) << url << " " << r.body;
        EXPECT_EQ(r.doc(), expected) << url;
    }
}

TEST(GetPartner, AcceptsAPercentEncodedId) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1))["id"];
    std::string encoded;
    for (char c : id) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
        encoded += buf;
    }
    Reply r = send(*e, "GET", kCollection + "/" + encoded, reader(kTenantA));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.doc()["id"], id);
}

TEST(GetPartner, ErrorsCarryTheEngineDateAndEchoTheClientRequestId) {
    auto e = memory_engine(90);
    Response plain = e->request("GET", entity_path(guid(0xdead, 1)), reader(kTenantA), {});
    const json p = json::parse(plain.body);
    EXPECT_EQ(p["error"]["innerError"]["date"], "2024-05-01T10:01:30");
    EXPECT_FALSE(p["error"]["innerError"].contains("client-request-id"));
    Response echoed = e->request("GET", entity_path(guid(0xdead, 1)), reader(kTenantA), {}, RequestHeaders{"my-request-42"});
    EXPECT_EQ(json::parse(echoed.body)["error"]["innerError"]["client-request-id"], "my-request-42");
    // Each error has its own request-id.
    EXPECT_NE(p["error"]["innerError"]["request-id"], json::parse(echoed.body)["error"]["innerError"]["request-id"]);
}

TEST(GetPartner, UnknownNonGuidAndOtherTenantIdsAreIndistinguishable404s) {
    auto e = memory_engine();
    const std::string mine = create(*e, admin(kTenantA), guid(0xa, 1))["id"];
    const std::string theirs = create(*e, admin(kTenantB), guid(0xb, 1))["id"];
    const std::string unknown = "0b7e4d1a-5c1f-4f55-9a1e-2d3c4b5a6f70";

    Reply other_tenant = send(*e, "GET", entity_path(theirs), reader(kTenantA));
    Reply missing = send(*e, "GET", entity_path(unknown), reader(kTenantA));
    Reply not_guid = send(*e, "GET", entity_path("not-a-guid-at-all"), reader(kTenantA));
    Reply braces = send(*e, "GET", entity_path("{" + mine + "}"), reader(kTenantA));
    for (const Reply *r : {&other_tenant, &missing, &not_guid, &braces}) expect_graph_error(*r, 404, "notFound", "resourceNotFound");

    // Identical but for the request-id and the id the caller sent.
    EXPECT_EQ(normalized_error(other_tenant, theirs), normalized_error(missing, unknown));
    EXPECT_EQ(normalized_error(not_guid, "not-a-guid-at-all"), normalized_error(missing, unknown));
    EXPECT_NE(other_tenant.doc()["error"]["innerError"]["request-id"], missing.doc()["error"]["innerError"]["request-id"]);
    // The owner still reads it.
    EXPECT_EQ(get(*e, reader(kTenantB), theirs)["id"], theirs);
}

TEST(GetPartner, SelectNarrowsThePropertiesAndTheContext) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1))["id"];

    Reply r = send(*e, "GET", entity_path(id) + "?$select=partnerId", reader(kTenantA));
    ASSERT_EQ(r.status, 200) << r.body;
    json got = r.doc();
    EXPECT_EQ(keys_of(got), (std::set<std::string>{"@odata.context", "@odata.type", "id", "partnerId"}));
    EXPECT_EQ(got["@odata.context"], kCollectionContext + "(partnerId)/$entity");
    EXPECT_EQ(got["partnerId"], guid(0xa, 1));

    r = send(*e, "GET", entity_path(id) + "?$select=connectionStatus,agentSetting", reader(kTenantA));
    ASSERT_EQ(r.status, 200) << r.body;
    got = r.doc();
    EXPECT_EQ(keys_of(got), (std::set<std::string>{"@odata.context", "@odata.type", "id", "connectionStatus", "agentSetting"}));
    EXPECT_EQ(got["connectionStatus"], "available");

    r = send(*e, "GET", entity_path(id) + "?$select=id", reader(kTenantA));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(keys_of(r.doc()), (std::set<std::string>{"@odata.context", "@odata.type", "id"}));

    r = send(*e, "GET", entity_path(id) + "?%24select=partnerId%2CenableConnection", reader(kTenantA));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(keys_of(r.doc()), (std::set<std::string>{"@odata.context", "@odata.type", "id", "partnerId", "enableConnection"}));

    r = send(*e, "GET", entity_path(id) + "?$select=*", reader(kTenantA));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(keys_of(r.doc()), kAllEntityKeys);
    EXPECT_EQ(r.doc()["@odata.context"], kEntityContext);
}

TEST(GetPartner, BadQueryOptionsAre400InvalidQueryOption) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1))["id"];
    for (const std::string query :
         {"$select=tenantId", "$select=", "$select=partnerId,", "$select=partnerId&$select=id",
          "$top=1", "$skip=1", "$count=true", "$filter=enableConnection eq true", "$orderby=partnerId", "$expand=agentSetting",
          "foo=bar", "$select", "$select=%zz"}) {
        SCOPED_TRACE(query);
        expect_graph_error(send(*e, "GET", entity_path(id) + "?" + query, reader(kTenantA)), 400, "badRequest",
                           "invalidQueryOption");
    }
}

}  // namespace
}  // namespace cpep::engine_test
