// PATCH …/externalPartners/{id} (CONTRACT §3 body hardening, §5 update, §4 precedence).
#include "engine_support.h"

namespace cpep::engine_test {
namespace {

Reply patch(Engine &e, const std::string &id, std::string_view body, const std::string &caller = admin(kTenantA)) {
    return send(e, "PATCH", entity_path(id), caller, body);
}

TEST(UpdatePartner, DisablingAnswersTheUpdatedEntity) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    Reply r = patch(*e, id, R"({"enableConnection": false})");
    ASSERT_EQ(r.status, 200) << r.body;
    const json got = r.doc();
    EXPECT_EQ(got["@odata.context"], kEntityContext);
    EXPECT_EQ(got["@odata.type"], kPartnerType);
    EXPECT_EQ(got["id"], id);
    EXPECT_EQ(got["partnerId"], guid(0xa, 1));
    EXPECT_EQ(got["enableConnection"], false);
    EXPECT_EQ(got["connectionStatus"], "notAvailable");
    EXPECT_EQ(got["statusDetails"], "The external partner connection is disabled");
    EXPECT_TRUE(got["lastSyncDateTime"].is_null());
    EXPECT_TRUE(got["agentSetting"].is_null());
    EXPECT_EQ(get(*e, reader(kTenantA), id), got);
}

TEST(UpdatePartner, EnablingMakesItAvailableFromTheEngineClock) {
    TempDir dir;
    const std::string path = dir.file("db.sqlite");
    std::string id;
    {
        auto e = open_engine(path, 0);
        id = create(*e, admin(kTenantA), guid(0xa, 1), false)["id"];
    }
    auto e = open_engine(path, 3600);
    Reply r = patch(*e, id, R"({"enableConnection": true})");
    ASSERT_EQ(r.status, 200) << r.body;
    const json got = r.doc();
    EXPECT_EQ(got["enableConnection"], true);
    EXPECT_EQ(got["connectionStatus"], "available");
    EXPECT_EQ(got["statusDetails"], "The external partner is available");
    EXPECT_EQ(got["lastSyncDateTime"], at(3600));
    EXPECT_EQ(get(*e, reader(kTenantA), id), got);
}

TEST(UpdatePartner, PatchToTheCurrentValueChangesNothing) {
    TempDir dir;
    const std::string path = dir.file("db.sqlite");
    std::string id, disabled_id;
    {
        auto e = open_engine(path, 0);
        id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
        disabled_id = create(*e, admin(kTenantA), guid(0xa, 2), false)["id"];
    }
    {
        auto e = open_engine(path, 60);
        ASSERT_EQ(heartbeat(*e, partner_app(kTenantA), guid(0xa, 1)).status, 204);
    }
    auto e = open_engine(path, 120);
    Reply r = patch(*e, id, R"({"enableConnection": true})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.doc()["connectionStatus"], "healthy");  // the heartbeat is kept
    EXPECT_EQ(r.doc()["lastSyncDateTime"], at(60));
    EXPECT_EQ(get(*e, reader(kTenantA), id)["connectionStatus"], "healthy");

    r = patch(*e, disabled_id, R"({"enableConnection": false})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.doc()["connectionStatus"], "notAvailable");
    EXPECT_TRUE(r.doc()["lastSyncDateTime"].is_null());
}

TEST(UpdatePartner, AcceptsTheODataTypeAnnotation) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    Reply r = patch(*e, id, R"({"@odata.type": "#microsoft.graph.cloudPcExternalPartner", "enableConnection": false})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.doc()["enableConnection"], false);
    r = patch(*e, id, R"({"@odata.type": "microsoft.graph.cloudPcExternalPartner", "enableConnection": true})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.doc()["enableConnection"], true);
    expect_graph_error(patch(*e, id, R"({"@odata.type": "#microsoft.graph.cloudPcExternalPartnerSetting", "enableConnection": false})"),
                       400, "badRequest", "invalidODataType");
    expect_graph_error(patch(*e, id, R"({"@odata.type": 7, "enableConnection": false})"), 400, "badRequest");
    EXPECT_EQ(get(*e, reader(kTenantA), id)["enableConnection"], true);
}

TEST(UpdatePartner, PartnerIdAndReadOnlyPropertiesAreNotUpdateable) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    const json before = get(*e, reader(kTenantA), id);
    const std::vector<json> bodies = {
        {{"partnerId", guid(0xa, 2)}},
        {{"partnerId", guid(0xa, 1)}},
        {{"partnerId", guid(0xa, 2)}, {"enableConnection", false}},
        {{"id", guid(0xa, 9)}},
        {{"connectionStatus", "healthy"}},
        {{"statusDetails", "fine"}},
        {{"lastSyncDateTime", "2020-01-01T00:00:00Z"}},
        {{"agentSetting", valid_agent_setting()}},
        {{"enableConnection", false}, {"agentSetting", nullptr}},
    };
    for (const json &body : bodies) {
        SCOPED_TRACE(body.dump());
        Reply r = patch(*e, id, body.dump());
        expect_graph_error(r, 400, "badRequest", "propertyNotUpdateable");
        const std::string message = r.doc()["error"]["message"];
        for (const auto &[key, value] : body.items()) {
            if (key != "enableConnection") {
                EXPECT_NE(message.find(key), std::string::npos) << message;
            }
        }
    }
    EXPECT_EQ(get(*e, reader(kTenantA), id), before);
}

TEST(UpdatePartner, UnknownPropertiesAndWrongTypesAre400) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    const json before = get(*e, reader(kTenantA), id);
    Reply r = patch(*e, id, R"({"enableConnection": false, "colour": "blue"})");
    expect_graph_error(r, 400, "badRequest", "unknownProperty");
    EXPECT_NE(r.doc()["error"]["message"].get<std::string>().find("'colour'"), std::string::npos);
    for (const std::string body : {R"({"enableConnection": "true"})", R"({"enableConnection": "false"})", R"({"enableConnection": 1})",
                                   R"({"enableConnection": 0})", R"({"enableConnection": null})", R"({"enableConnection": [true]})",
                                   R"({"enableConnection": {}})", R"({"EnableConnection": false})"}) {
        SCOPED_TRACE(body);
        expect_graph_error(patch(*e, id, body), 400, "badRequest");
    }
    EXPECT_EQ(get(*e, reader(kTenantA), id), before);
}

TEST(UpdatePartner, BodyHardeningOfCreateApplies) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    const json before = get(*e, reader(kTenantA), id);

    std::string big = R"({"enableConnection": false, "pad": ")" + std::string(1024 * 1024, 'x') + "\"}";
    expect_graph_error(patch(*e, id, big), 413, "requestEntityTooLarge");

    std::string deep(100000, '[');
    expect_graph_error(patch(*e, id, deep), 400, "badRequest", "invalidJson");
    std::string deep_object;
    for (int i = 0; i < 70; ++i) deep_object += "{\"a\":";
    deep_object += "1" + std::string(70, '}');
    expect_graph_error(patch(*e, id, deep_object), 400, "badRequest", "invalidJson");

    const char kWithNul[] = "{\"enableConnection\": false}\0";
    const char kNulInside[] = "{\"enableConnection\": false, \"x\0\": 1}";
    const std::string with_nul(kWithNul, sizeof kWithNul - 1);
    const std::string nul_inside(kNulInside, sizeof kNulInside - 1);
    for (const std::string &body : {std::string(""), std::string("not json"), std::string("{\"enableConnection\": false"),
                                    std::string("[]"), std::string("false"), std::string("\"text\""), std::string("null"),
                                    std::string(R"({"enableConnection": false, "enableConnection": true})"),
                                    std::string(R"({"enableConnection": false, "@odata.type": "#microsoft.graph.cloudPcExternalPartner", "@odata.type": "x"})"),
                                    with_nul, nul_inside, std::string("{\"enableConnection\": false, \"x\": \"\xff\"}"),
                                    std::string("{\"enableConnection\": false} trailing"),
                                    std::string("{\"enableConnection\": false,}")}) {
        SCOPED_TRACE(body);
        expect_graph_error(patch(*e, id, body), 400, "badRequest");
    }
    expect_graph_error(patch(*e, id, R"({"enableConnection": false, "enableConnection": false})"), 400, "badRequest", "invalidJson");
    EXPECT_EQ(get(*e, reader(kTenantA), id), before);
}

TEST(UpdatePartner, UnknownIdIs404AfterTheBodyIsValidated) {
    auto e = memory_engine();
    const std::string theirs = create(*e, admin(kTenantB), guid(0xb, 1), true)["id"];
    const std::string unknown = "0b7e4d1a-5c1f-4f55-9a1e-2d3c4b5a6f70";
    expect_graph_error(patch(*e, unknown, R"({"enableConnection": false})"), 404, "notFound", "resourceNotFound");
    expect_graph_error(patch(*e, "not-a-guid", R"({"enableConnection": false})"), 404, "notFound", "resourceNotFound");
    Reply other = patch(*e, theirs, R"({"enableConnection": false})");
    expect_graph_error(other, 404, "notFound", "resourceNotFound");
    EXPECT_EQ(normalized_error(other, theirs), normalized_error(patch(*e, unknown, R"({"enableConnection": false})"), unknown));
    EXPECT_EQ(get(*e, reader(kTenantB), theirs)["enableConnection"], true);

    // Precedence: the body (400, 413) before existence (404).
    expect_graph_error(patch(*e, unknown, "not json"), 400, "badRequest");
    expect_graph_error(patch(*e, unknown, R"({"partnerId": "x"})"), 400, "badRequest", "propertyNotUpdateable");
    expect_graph_error(patch(*e, "not-a-guid", R"({"enableConnection": "yes"})"), 400, "badRequest");
    expect_graph_error(patch(*e, theirs, R"({"enableConnection": 1})"), 400, "badRequest");
    expect_graph_error(patch(*e, unknown, std::string(1024 * 1024 + 1, ' ')), 413, "requestEntityTooLarge");
}

TEST(UpdatePartner, QueryOptionsAre400) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    expect_graph_error(send(*e, "PATCH", entity_path(id) + "?$select=id", admin(kTenantA), R"({"enableConnection": false})"), 400,
                       "badRequest", "invalidQueryOption");
    EXPECT_EQ(get(*e, reader(kTenantA), id)["enableConnection"], true);
}

TEST(UpdatePartner, ReadOnlyCallersAreRefusedBeforeAnything) {
    auto e = memory_engine();
    const std::string id = create(*e, admin(kTenantA), guid(0xa, 1), true)["id"];
    expect_graph_error(patch(*e, id, R"({"enableConnection": false})", reader(kTenantA)), 403, "forbidden", "missingPermission");
    expect_graph_error(patch(*e, id, R"({"enableConnection": false})", application(kTenantA, {"CloudPC.Read.All"})), 403,
                       "forbidden", "missingPermission");
    expect_graph_error(patch(*e, id, "not json", reader(kTenantA)), 403, "forbidden");
    EXPECT_EQ(get(*e, reader(kTenantA), id)["enableConnection"], true);
    Reply r = patch(*e, id, R"({"enableConnection": false})", app_writer(kTenantA));
    EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace cpep::engine_test
