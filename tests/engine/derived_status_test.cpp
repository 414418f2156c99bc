// Derived connectionStatus / statusDetails / lastSyncDateTime over time (CONTRACT §1, §5),
// with the clock frozen by the `now` option and moved by reopening the database file.
#include "engine_support.h"

namespace cpep::engine_test {
namespace {

struct Status {
    std::string connection_status;
    json status_details;
    json last_sync;
};

class DerivedStatus : public ::testing::Test {
protected:
    TempDir dir;
    const std::string path = dir.file("db.sqlite");
    std::string id;
    const std::string partner = guid(0xa, 1);

    // Opens the database at `seconds` after kT0, checks GET and list agree, and returns the status.
    Status at_time(std::int64_t seconds, json extra = json::object()) {
        auto e = open_engine(path, seconds, std::move(extra));
        const json got = get(*e, reader(kTenantA), id);
        Reply list = send(*e, "GET", kCollection + "?$filter=partnerId eq '" + partner + "'", reader(kTenantA));
        EXPECT_EQ(list.status, 200);
        json listed = list.doc()["value"][0];
        json single = got;
        single.erase("@odata.context");
        EXPECT_EQ(listed, single);
        return {got["connectionStatus"], got["statusDetails"], got["lastSyncDateTime"]};
    }
    Reply act(std::int64_t seconds, const std::function<Reply(Engine &)> &f, json extra = json::object()) {
        auto e = open_engine(path, seconds, std::move(extra));
        return f(*e);
    }
    Reply beat(std::int64_t seconds) {
        return act(seconds, [&](Engine &e) { return heartbeat(e, partner_app(kTenantA), partner); });
    }
    Reply set_enabled(std::int64_t seconds, bool enable) {
        return act(seconds, [&](Engine &e) {
            return send(e, "PATCH", entity_path(id), admin(kTenantA), json{{"enableConnection", enable}}.dump());
        });
    }
    void make(bool enable = true, std::int64_t seconds = 0) {
        auto e = open_engine(path, seconds);
        id = create(*e, admin(kTenantA), partner, enable)["id"];
    }
};

std::string silent_since(std::int64_t seconds) { return "The external partner has not sent a heartbeat since " + at(seconds); }

TEST_F(DerivedStatus, AvailableHealthyUnhealthyWithTheDefaultTimeout) {
    make();
    Status s = at_time(0);
    EXPECT_EQ(s.connection_status, "available");
    EXPECT_EQ(s.status_details, "The external partner is available");
    EXPECT_EQ(s.last_sync, at(0));
    // Without heartbeats it stays available however long it waits.
    EXPECT_EQ(at_time(86400 * 365).connection_status, "available");

    ASSERT_EQ(beat(100).status, 204);
    s = at_time(100);
    EXPECT_EQ(s.connection_status, "healthy");
    EXPECT_EQ(s.status_details, "The external partner is healthy");
    EXPECT_EQ(s.last_sync, at(100));
    EXPECT_EQ(at_time(100 + 899).connection_status, "healthy");

    s = at_time(100 + 900);
    EXPECT_EQ(s.connection_status, "unhealthy");
    EXPECT_EQ(s.status_details, silent_since(100));
    EXPECT_EQ(s.last_sync, at(100));
    s = at_time(100 + 86400);
    EXPECT_EQ(s.connection_status, "unhealthy");
    EXPECT_EQ(s.status_details, "The external partner has not sent a heartbeat since 2024-05-01T10:01:40Z");

    // A new heartbeat makes it healthy again.
    ASSERT_EQ(beat(5000).status, 204);
    s = at_time(5000);
    EXPECT_EQ(s.connection_status, "healthy");
    EXPECT_EQ(s.last_sync, at(5000));
    EXPECT_EQ(at_time(5000 + 900).connection_status, "unhealthy");
}

TEST_F(DerivedStatus, CustomTimeoutIsAppliedAtReadTime) {
    make();
    ASSERT_EQ(beat(10).status, 204);
    const json fast = {{"heartbeatTimeoutSeconds", 60}};
    EXPECT_EQ(at_time(10 + 59, fast).connection_status, "healthy");
    Status s = at_time(10 + 60, fast);
    EXPECT_EQ(s.connection_status, "unhealthy");
    EXPECT_EQ(s.status_details, silent_since(10));
    EXPECT_EQ(s.last_sync, at(10));
    // Nothing was stored: the same instant under the default timeout is healthy.
    EXPECT_EQ(at_time(10 + 60).connection_status, "healthy");
    EXPECT_EQ(at_time(10 + 3599, {{"heartbeatTimeoutSeconds", 3600}}).connection_status, "healthy");
    EXPECT_EQ(at_time(10 + 3600, {{"heartbeatTimeoutSeconds", 3600}}).connection_status, "unhealthy");
}

TEST_F(DerivedStatus, DisableAndReEnableResetsToAvailableAndForgetsHeartbeats) {
    make();
    ASSERT_EQ(beat(100).status, 204);
    Reply r = set_enabled(200, false);
    ASSERT_EQ(r.status, 200) << r.body;
    Status s = at_time(200);
    EXPECT_EQ(s.connection_status, "notAvailable");
    EXPECT_EQ(s.status_details, "The external partner connection is disabled");
    EXPECT_TRUE(s.last_sync.is_null());
    EXPECT_EQ(at_time(100000).connection_status, "notAvailable");
    expect_graph_error(beat(300), 409, "conflict", "connectionDisabled");

    r = set_enabled(400, true);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.doc()["connectionStatus"], "available");
    EXPECT_EQ(r.doc()["lastSyncDateTime"], at(400));
    s = at_time(400 + 900 * 10);  // long after: the old heartbeat is forgotten, so never unhealthy
    EXPECT_EQ(s.connection_status, "available");
    EXPECT_EQ(s.status_details, "The external partner is available");
    EXPECT_EQ(s.last_sync, at(400));

    ASSERT_EQ(beat(10000).status, 204);
    EXPECT_EQ(at_time(10000).connection_status, "healthy");
    // PATCH to the current value keeps the heartbeat (and the clock it runs on).
    ASSERT_EQ(set_enabled(10500, true).status, 200);
    s = at_time(10500);
    EXPECT_EQ(s.connection_status, "healthy");
    EXPECT_EQ(s.last_sync, at(10000));
    EXPECT_EQ(at_time(10900).connection_status, "unhealthy");
}

TEST_F(DerivedStatus, EnablingAPartnerCreatedDisabledStartsItsClockThen) {
    make(false, 0);
    EXPECT_EQ(at_time(50).connection_status, "notAvailable");
    ASSERT_EQ(set_enabled(500, true).status, 200);
    Status s = at_time(600);
    EXPECT_EQ(s.connection_status, "available");
    EXPECT_EQ(s.last_sync, at(500));
}

TEST_F(DerivedStatus, FractionalInstantsKeepTheirFraction) {
    {
        auto e = std::make_unique<Engine>(path, json{{"now", "2024-05-01T10:00:00.25Z"}}.dump());
        id = create(*e, admin(kTenantA), partner, true)["id"];
        EXPECT_EQ(get(*e, reader(kTenantA), id)["lastSyncDateTime"], "2024-05-01T10:00:00.25Z");
    }
    {
        auto e = std::make_unique<Engine>(path, json{{"now", "2024-05-01T10:00:01.000500Z"}}.dump());
        ASSERT_EQ(heartbeat(*e, partner_app(kTenantA), partner).status, 204);
        EXPECT_EQ(get(*e, reader(kTenantA), id)["lastSyncDateTime"], "2024-05-01T10:00:01.0005Z");
    }
    auto e = std::make_unique<Engine>(path, json{{"now", "2024-05-01T10:15:01.0005Z"}}.dump());
    const json got = get(*e, reader(kTenantA), id);
    EXPECT_EQ(got["connectionStatus"], "unhealthy");
    EXPECT_EQ(got["statusDetails"], "The external partner has not sent a heartbeat since 2024-05-01T10:00:01.0005Z");
}

}  // namespace
}  // namespace cpep::engine_test
