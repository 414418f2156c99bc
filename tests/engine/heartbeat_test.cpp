// POST /partnerApi/heartbeat (CONTRACT §2 last row, §5 partner heartbeat).
#include "engine_support.h"

namespace cpep::engine_test {
namespace {

TEST(Heartbeat, PartnerAppRecordsItAndThePartnerTurnsHealthy) {
    TempDir dir;
    const std::string path = dir.file("db.sqlite");
    std::string id;
    {
        auto e = open_engine(path, 0);
        id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    }
    auto e = open_engine(path, 300);
    Reply r = heartbeat(*e, partner_app(kTenantA), guid(0xa, 1));
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.body, "");
    const json got = get(*e, reader(kTenantA), id);
    EXPECT_EQ(got["connectionStatus"], "healthy");
    EXPECT_EQ(got["statusDetails"], "The external partner is healthy");
    EXPECT_EQ(got["lastSyncDateTime"], at(300));
    EXPECT_EQ(got["enableConnection"], true);
}

TEST(Heartbeat, PartnerIdComparesCaseInsensitively) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 0xabc), true)["id"];
    EXPECT_EQ(heartbeat(*e, partner_app(kTenantA), upper(guid(0xa, 0xabc))).status, 204);
    EXPECT_EQ(get(*e, reader(kTenantA), id)["connectionStatus"], "healthy");
}

TEST(Heartbeat, OnlyAnApplicationWithPartnerReadWriteMaySendIt) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    expect_graph_error(heartbeat(*e, app_writer(kTenantA), guid(0xa, 1)), 403, "forbidden", "missingPermission");
    expect_graph_error(heartbeat(*e, application(kTenantA, {"CloudPC.Read.All"}), guid(0xa, 1)), 403, "forbidden");
    expect_graph_error(heartbeat(*e, delegated(kTenantA, "CloudPC.PartnerReadWrite.All"), guid(0xa, 1)), 403, "forbidden");
    expect_graph_error(heartbeat(*e, admin(kTenantA), guid(0xa, 1)), 403, "forbidden");
    expect_graph_error(heartbeat(*e, application(kPersonalTenant, {"CloudPC.PartnerReadWrite.All"}), guid(0xa, 1)), 403,
                       "forbidden", "personalAccountNotSupported");
    expect_graph_error(heartbeat(*e, "", guid(0xa, 1)), 401, "InvalidAuthenticationToken");
    EXPECT_EQ(get(*e, reader(kTenantA), id)["connectionStatus"], "available");
    EXPECT_EQ(heartbeat(*e, application(kTenantA, {"cloudpc.partnerreadwrite.all"}), guid(0xa, 1)).status, 204);
}

TEST(Heartbeat, DisabledConnectionIs409ConnectionDisabled) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), false)["id"];
    expect_graph_error(heartbeat(*e, partner_app(kTenantA), guid(0xa, 1)), 409, "conflict", "connectionDisabled");
    const json got = get(*e, reader(kTenantA), id);
    EXPECT_EQ(got["connectionStatus"], "notAvailable");
    EXPECT_TRUE(got["lastSyncDateTime"].is_null());
}

TEST(Heartbeat, UnknownOrAnotherTenantsPartnerIs404) {
    auto e = memory_engine();
    const std::string theirs = create(*e, admin(kTenantB), guid(0xb, 1), true)["id"];
    create(*e, admin(kTenantB), guid(0xb, 2), false);
    Reply unknown = heartbeat(*e, partner_app(kTenantA), guid(0xa, 99));
    Reply other = heartbeat(*e, partner_app(kTenantA), guid(0xb, 1));
    Reply other_disabled = heartbeat(*e, partner_app(kTenantA), guid(0xb, 2));
    expect_graph_error(unknown, 404, "notFound", "resourceNotFound");
    expect_graph_error(other, 404, "notFound", "resourceNotFound");
    // Not 409: a disabled partner of another tenant is as unknown as any other.
    expect_graph_error(other_disabled, 404, "notFound", "resourceNotFound");
    EXPECT_EQ(normalized_error(other, guid(0xb, 1)), normalized_error(unknown, guid(0xa, 99)));
    EXPECT_EQ(get(*e, reader(kTenantB), theirs)["connectionStatus"], "available");
}

TEST(Heartbeat, BadBodiesAre400) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    const std::string pid = guid(0xa, 1);
    for (const std::string &body : std::vector<std::string>{
             "{}", R"({"partnerId": null})", R"({"partnerId": 7})", R"({"partnerId": ""})", R"({"partnerId": "not-a-guid"})",
             R"({"partnerId": "{)" + pid + R"(}"})", R"({"partnerId": ")" + pid + R"( "})", R"({"partnerId": [")" + pid + R"("]})",
             R"({"partnerId": ")" + pid + R"(", "status": "ok"})", R"({"partnerId": ")" + pid + R"(", "enableConnection": true})",
             R"({"PartnerId": ")" + pid + R"("})", R"({"partnerId": ")" + pid + R"(", "partnerId": ")" + pid + R"("})",
             "", "not json", "[]", "null", "\"" + pid + "\"", R"({"partnerId": ")" + pid + R"(")"}) {
        SCOPED_TRACE(body);
        expect_graph_error(send(*e, "POST", kHeartbeat, partner_app(kTenantA), body), 400, "badRequest");
    }
    expect_graph_error(send(*e, "POST", kHeartbeat, partner_app(kTenantA), std::string(1024 * 1024 + 1, ' ')), 413,
                       "requestEntityTooLarge");
    expect_graph_error(send(*e, "POST", kHeartbeat + "?$select=id", partner_app(kTenantA), json{{"partnerId", pid}}.dump()), 400,
                       "badRequest", "invalidQueryOption");
    // Precedence: a bad body for an unknown partner is 400, not 404.
    expect_graph_error(send(*e, "POST", kHeartbeat, partner_app(kTenantA), json{{"partnerId", guid(0xa, 9)}, {"x", 1}}.dump()), 400,
                       "badRequest");
    EXPECT_EQ(get(*e, reader(kTenantA), id)["connectionStatus"], "available");
}

}  // namespace
}  // namespace cpep::engine_test
