#include "core/external_partner.h"

#include <gtest/gtest.h>

namespace cpep {
namespace {

constexpr const char *kId = "6a7d5a1f-4fb3-4c1c-8e1a-4b2b0b0c5d3e";
constexpr const char *kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr const char *kPartner = "198d7140-80bb-4843-8cc4-811377a49a92";
const Instant kCreated = Instant::from_seconds(1604407394);
const StatusPolicy kPolicy{900};

TEST(ConnectionStatusNames, AreCsdlMemberNames) {
    EXPECT_EQ(to_string(ConnectionStatus::not_available), "notAvailable");
    EXPECT_EQ(to_string(ConnectionStatus::available), "available");
    EXPECT_EQ(to_string(ConnectionStatus::healthy), "healthy");
    EXPECT_EQ(to_string(ConnectionStatus::unhealthy), "unhealthy");
}

TEST(NewExternalPartner, KeepsTheFacts) {
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, kCreated);
    EXPECT_EQ(p.id, kId);
    EXPECT_EQ(p.tenant_id, kTenant);
    EXPECT_EQ(p.partner_id, kPartner);
    EXPECT_TRUE(p.enable_connection);
    EXPECT_EQ(p.created_at, kCreated);
    EXPECT_EQ(p.enabled_at, kCreated);
    EXPECT_FALSE(p.last_heartbeat_at.has_value());

    ExternalPartner off = new_external_partner(kId, kTenant, kPartner, false, kCreated);
    EXPECT_FALSE(off.enable_connection);
    EXPECT_FALSE(off.enabled_at.has_value());
}

// CONTRACT §3's table, at creation and any time later without a heartbeat.
TEST(InitialState, Table) {
    struct Case {
        bool enable;
        ConnectionStatus status;
        const char *details;
        std::optional<Instant> last_sync;
    } const cases[] = {
        {true, ConnectionStatus::available, "The external partner is available", kCreated},
        {false, ConnectionStatus::not_available, "The external partner connection is disabled", std::nullopt},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.enable);
        ExternalPartner p = new_external_partner(kId, kTenant, kPartner, c.enable, kCreated);
        for (Instant now : {kCreated, kCreated.plus_seconds(1), kCreated.plus_seconds(900),
                            kCreated.plus_seconds(86400 * 365)}) {
            PartnerStatus s = derive_status(p, now, kPolicy);
            EXPECT_EQ(s.connection_status, c.status);
            EXPECT_EQ(s.status_details, c.details);
            EXPECT_EQ(s.last_sync, c.last_sync);
        }
    }
}

TEST(DerivedStatus, EnabledLaterReportsTheEnableTimeNotCreation) {
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, kCreated);
    p.enabled_at = kCreated.plus_seconds(60);
    PartnerStatus s = derive_status(p, kCreated.plus_seconds(120), kPolicy);
    EXPECT_EQ(s.connection_status, ConnectionStatus::available);
    EXPECT_EQ(s.last_sync, kCreated.plus_seconds(60));
}

TEST(DerivedStatus, HeartbeatHealthyUntilTimeoutThenUnhealthy) {
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, kCreated);
    const Instant beat = kCreated.plus_seconds(10);
    p.last_heartbeat_at = beat;
    struct Case {
        Instant now;
        ConnectionStatus status;
    } const cases[] = {
        {beat, ConnectionStatus::healthy},
        {beat.plus_seconds(1), ConnectionStatus::healthy},
        {Instant{beat.plus_seconds(900).micros - 1}, ConnectionStatus::healthy},
        {beat.plus_seconds(900), ConnectionStatus::unhealthy},  // at the timeout: unhealthy
        {Instant{beat.plus_seconds(900).micros + 1}, ConnectionStatus::unhealthy},
        {beat.plus_seconds(86400), ConnectionStatus::unhealthy},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.now.micros - beat.micros);
        PartnerStatus s = derive_status(p, c.now, kPolicy);
        EXPECT_EQ(s.connection_status, c.status);
        EXPECT_EQ(s.last_sync, beat);
        if (c.status == ConnectionStatus::healthy) {
            EXPECT_EQ(s.status_details, "The external partner is healthy");
        } else {
            EXPECT_EQ(s.status_details, "The external partner has not sent a heartbeat since 2020-11-03T12:43:24Z");
        }
    }
}

TEST(DerivedStatus, TimeoutComesFromThePolicy) {
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, kCreated);
    p.last_heartbeat_at = kCreated;
    EXPECT_EQ(derive_status(p, kCreated.plus_seconds(59), StatusPolicy{60}).connection_status, ConnectionStatus::healthy);
    EXPECT_EQ(derive_status(p, kCreated.plus_seconds(60), StatusPolicy{60}).connection_status, ConnectionStatus::unhealthy);
    EXPECT_EQ(derive_status(p, kCreated.plus_seconds(60), StatusPolicy{}).connection_status, ConnectionStatus::healthy);
}

TEST(DerivedStatus, UnhealthyDetailsKeepFractionalHeartbeatTime) {
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, kCreated);
    p.last_heartbeat_at = Instant{kCreated.micros + 250'000};
    PartnerStatus s = derive_status(p, kCreated.plus_seconds(1000), kPolicy);
    EXPECT_EQ(s.status_details, "The external partner has not sent a heartbeat since 2020-11-03T12:43:14.25Z");
}

TEST(DerivedStatus, DisabledIgnoresHeartbeats) {
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, false, kCreated);
    p.last_heartbeat_at = kCreated;
    PartnerStatus s = derive_status(p, kCreated.plus_seconds(1), kPolicy);
    EXPECT_EQ(s.connection_status, ConnectionStatus::not_available);
    EXPECT_FALSE(s.last_sync.has_value());
    EXPECT_EQ(s.status_details, "The external partner connection is disabled");
}

}  // namespace
}  // namespace cpep

namespace cpep {
namespace {

TEST(SetConnection, EnablingStartsAfreshAndDisablingClears) {
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, kCreated);
    p.last_heartbeat_at = kCreated.plus_seconds(5);

    EXPECT_TRUE(set_connection(p, false, kCreated.plus_seconds(10)));
    EXPECT_FALSE(p.enable_connection);
    EXPECT_FALSE(p.enabled_at.has_value());
    EXPECT_FALSE(p.last_heartbeat_at.has_value());

    EXPECT_TRUE(set_connection(p, true, kCreated.plus_seconds(20)));
    EXPECT_TRUE(p.enable_connection);
    EXPECT_EQ(p.enabled_at, kCreated.plus_seconds(20));
    EXPECT_FALSE(p.last_heartbeat_at.has_value());
    PartnerStatus s = derive_status(p, kCreated.plus_seconds(30), kPolicy);
    EXPECT_EQ(s.connection_status, ConnectionStatus::available);
    EXPECT_EQ(s.last_sync, kCreated.plus_seconds(20));
}

TEST(SetConnection, SettingTheCurrentValueChangesNothing) {
    ExternalPartner p = new_external_partner(kId, kTenant, kPartner, true, kCreated);
    p.last_heartbeat_at = kCreated.plus_seconds(5);
    EXPECT_FALSE(set_connection(p, true, kCreated.plus_seconds(10)));
    EXPECT_EQ(p.enabled_at, kCreated);
    EXPECT_EQ(p.last_heartbeat_at, kCreated.plus_seconds(5));
}

}  // namespace
}  // namespace cpep
