// DELETE …/externalPartners/{id} (CONTRACT §5): 204, gone for good, and everything that hung
// off the entity is removed from the database, not hidden.
#include "engine_support.h"

namespace cpep::engine_test {
namespace {

TEST(DeletePartner, Answers204WithoutBodyAndTheEntityIsGone) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1))["id"];
    const std::string kept = create(*e, admin(kTenantA), guid(0xa, 2))["id"];
    Reply r = send(*e, "DELETE", entity_path(id), admin(kTenantA));
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.body, "");

    expect_graph_error(send(*e, "GET", entity_path(id), reader(kTenantA)), 404, "notFound", "resourceNotFound");
    expect_graph_error(send(*e, "DELETE", entity_path(id), admin(kTenantA)), 404, "notFound", "resourceNotFound");
    expect_graph_error(send(*e, "PATCH", entity_path(id), admin(kTenantA), R"({"enableConnection": false})"), 404, "notFound");
    expect_graph_error(configure(*e, admin(kTenantA), id), 404, "notFound");
    expect_graph_error(send(*e, "GET", reports_path(id), reader(kTenantA)), 404, "notFound");
    expect_graph_error(send(*e, "GET", results_path(id), reader(kTenantA)), 404, "notFound");
    expect_graph_error(heartbeat(*e, partner_app(kTenantA), guid(0xa, 1)), 404, "notFound");

    Reply list = send(*e, "GET", kCollection + "?$count=true", reader(kTenantA));
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(ids_of(list.doc()["value"]), std::vector<std::string>{kept});
    EXPECT_EQ(list.doc()["@odata.count"], 1);
}

TEST(DeletePartner, TheSamePartnerIdCanBeCreatedAgainAsANewEntity) {
    auto e = memory_engine();
    const std::string old_id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    ASSERT_EQ(configure(*e, admin(kTenantA), old_id).status, 204);
    ASSERT_EQ(heartbeat(*e, partner_app(kTenantA), guid(0xa, 1)).status, 204);
    ASSERT_EQ(send(*e, "DELETE", entity_path(upper(old_id)), admin(kTenantA)).status, 204);

    const json fresh = create(*e, admin(kTenantA), upper(guid(0xa, 1)), true);
    EXPECT_NE(fresh["id"], old_id);
    EXPECT_EQ(fresh["partnerId"], guid(0xa, 1));
    EXPECT_EQ(fresh["connectionStatus"], "available");  // the old heartbeat did not survive
    EXPECT_TRUE(fresh["agentSetting"].is_null());      // nor the old agent setting
    Reply reports = send(*e, "GET", reports_path(fresh["id"]), reader(kTenantA));
    ASSERT_EQ(reports.status, 200);
    EXPECT_EQ(reports.doc()["value"], json::array());
}

TEST(DeletePartner, AnotherTenantsIdIs404AndNothingIsDeleted) {
    TempDir dir;
    const std::string path = dir.file("db.sqlite");
    std::string theirs;
    {
        auto e = open_engine(path);
        theirs = create(*e, admin(kTenantB), guid(0xb, 1))["id"];
        ASSERT_EQ(configure(*e, admin(kTenantB), theirs).status, 204);
        ASSERT_EQ(deploy(*e, admin(kTenantB), theirs, {guid(0xc, 1)}).status, 200);
        Reply r = send(*e, "DELETE", entity_path(theirs), admin(kTenantA));
        expect_graph_error(r, 404, "notFound", "resourceNotFound");
        EXPECT_EQ(normalized_error(r, theirs),
                  normalized_error(send(*e, "DELETE", entity_path(guid(0xdead, 1)), admin(kTenantA)), guid(0xdead, 1)));
        expect_graph_error(send(*e, "DELETE", entity_path("not-a-guid"), admin(kTenantA)), 404, "notFound", "resourceNotFound");
        EXPECT_EQ(get(*e, reader(kTenantB), theirs)["id"], theirs);
    }
    RawDb db(path);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM external_partner"), 1);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM action_result"), 1);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM action_report"), 2);
}

TEST(DeletePartner, RemovesHeartbeatsAgentSettingResultsAndReportsFromTheDatabase) {
    TempDir dir;
    const std::string path = dir.file("db.sqlite");
    std::string doomed, kept, doomed_activity, kept_activity;
    {
        auto e = open_engine(path);
        doomed = create(*e, admin(kTenantA), guid(0xa, 1))["id"];
        kept = create(*e, admin(kTenantA), guid(0xa, 2))["id"];
        for (const std::string &id : {doomed, kept}) ASSERT_EQ(configure(*e, admin(kTenantA), id).status, 204);
        ASSERT_EQ(heartbeat(*e, partner_app(kTenantA), guid(0xa, 1)).status, 204);
        ASSERT_EQ(heartbeat(*e, partner_app(kTenantA), guid(0xa, 2)).status, 204);
        Reply d1 = deploy(*e, admin(kTenantA), doomed, {guid(0xc, 1), guid(0xc, 2), guid(0xc, 3)});
        Reply d2 = deploy(*e, admin(kTenantA), kept, {guid(0xc, 4)});
        ASSERT_EQ(d1.status, 200) << d1.body;
        ASSERT_EQ(d2.status, 200) << d2.body;
        doomed_activity = d1.doc()["value"];
        kept_activity = d2.doc()["value"];
    }
    {
        RawDb db(path);
        ASSERT_EQ(db.scalar("SELECT count(*) FROM external_partner"), 2);
        ASSERT_EQ(db.scalar("SELECT count(*) FROM action_result"), 4);
        ASSERT_EQ(db.scalar("SELECT count(*) FROM action_report"), 6);
    }
    {
        auto e = open_engine(path, 10);
        ASSERT_EQ(send(*e, "DELETE", entity_path(doomed), admin(kTenantA)).status, 204);
    }
    RawDb db(path);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM external_partner"), 1);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM external_partner WHERE id = '" + doomed + "'"), 0);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM external_partner WHERE partner_id = '" + guid(0xa, 1) + "'"), 0);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM action_result WHERE activity_id = '" + doomed_activity + "'"), 0);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM action_report WHERE activity_id = '" + doomed_activity + "'"), 0);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM action_result"), 1);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM action_report"), 2);  // kept's configureAgent and deployAgent reports
    EXPECT_EQ(db.scalar("SELECT count(*) FROM action_result WHERE activity_id = '" + kept_activity + "'"), 1);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM action_result WHERE partner_seq NOT IN (SELECT seq FROM external_partner)"), 0);
    EXPECT_EQ(db.scalar("SELECT count(*) FROM action_report WHERE partner_seq NOT IN (SELECT seq FROM external_partner)"), 0);
    // The kept partner keeps its heartbeat and agent setting.
    EXPECT_EQ(db.scalar("SELECT count(*) FROM external_partner WHERE id = '" + kept +
                        "' AND last_heartbeat_at IS NOT NULL AND agent_url IS NOT NULL"),
              1);
    // And nothing of the deleted one lingers anywhere: no row of any table mentions it.
    for (const std::string &table : db.strings("SELECT name FROM sqlite_schema WHERE type = 'table'"))
        for (const std::string &cell : db.cells("SELECT * FROM \"" + table + "\""))
            for (const std::string &gone : {doomed, guid(0xa, 1), doomed_activity, guid(0xc, 1), guid(0xc, 2), guid(0xc, 3)})
                EXPECT_EQ(cell.find(gone), std::string::npos) << table << ": " << cell;
}

TEST(DeletePartner, QueryOptionsAre400AndReadersAre403) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1))["id"];
    expect_graph_error(send(*e, "DELETE", entity_path(id) + "?$select=id", admin(kTenantA)), 400, "badRequest",
                       "invalidQueryOption");
    expect_graph_error(send(*e, "DELETE", entity_path(id), reader(kTenantA)), 403, "forbidden", "missingPermission");
    EXPECT_EQ(get(*e, reader(kTenantA), id)["id"], id);
    EXPECT_EQ(send(*e, "DELETE", entity_path(id), app_writer(kTenantA)).status, 204);
}

}  // namespace
}  // namespace cpep::engine_test
