#include "core/caller.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace cpep {
namespace {

using json = nlohmann::json;
using Strings = std::vector<std::string>;

constexpr const char *kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";

Caller parse_ok(const json &claims) {
    auto r = parse_caller(claims.dump());
    EXPECT_TRUE(r.ok()) << claims.dump() << " -> " << (r.ok() ? "" : r.error().message);
    return r.ok() ? r.value() : Caller{};
}

void expect_401(const Outcome<Caller> &r, std::string_view inner = {}) {
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 401);
    EXPECT_EQ(r.error().code, "InvalidAuthenticationToken");
    EXPECT_FALSE(r.error().message.empty());
    if (!inner.empty()) {
        EXPECT_EQ(r.error().inner_code, inner);
    }
}

struct KindCase {
    const char *name;
    json claims;
    CallerKind kind;
    Strings permissions;
};

TEST(CallerKindDetermination, Table) {
    const KindCase cases[] = {
        {"idtyp user", {{"tid", kTenant}, {"idtyp", "user"}, {"scp", "CloudPC.Read.All"}},
         CallerKind::delegated, {"cloudpc.read.all"}},
        {"idtyp app", {{"tid", kTenant}, {"idtyp", "app"}, {"roles", {"CloudPC.Read.All"}}},
         CallerKind::application, {"cloudpc.read.all"}},
        {"no idtyp, scp", {{"tid", kTenant}, {"scp", "CloudPC.ReadWrite.All openid"}},
         CallerKind::delegated, {"cloudpc.readwrite.all", "openid"}},
        {"no idtyp, roles only", {{"tid", kTenant}, {"roles", {"CloudPC.ReadWrite.All"}}},
         CallerKind::application, {"cloudpc.readwrite.all"}},
        {"no idtyp, scp and roles", {{"tid", kTenant}, {"scp", "a"}, {"roles", {"b"}}},
         CallerKind::delegated, {"a"}},
        {"idtyp user ignores roles",
         {{"tid", kTenant}, {"idtyp", "user"}, {"roles", {"CloudPC.ReadWrite.All"}}},
         CallerKind::delegated, {}},
        {"idtyp user with scp ignores roles",
         {{"tid", kTenant}, {"idtyp", "user"}, {"scp", "CloudPC.Read.All"}, {"roles", {"CloudPC.ReadWrite.All"}}},
         CallerKind::delegated, {"cloudpc.read.all"}},
        {"idtyp app ignores scp",
         {{"tid", kTenant}, {"idtyp", "app"}, {"scp", "CloudPC.ReadWrite.All"}},
         CallerKind::application, {}},
        {"idtyp app with roles ignores scp",
         {{"tid", kTenant}, {"idtyp", "app"}, {"scp", "CloudPC.ReadWrite.All"}, {"roles", {"CloudPC.Read.All"}}},
         CallerKind::application, {"cloudpc.read.all"}},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE(c.name);
        Caller caller = parse_ok(c.claims);
        EXPECT_EQ(caller.kind, c.kind);
        EXPECT_EQ(caller.permissions, c.permissions);
    }
}

TEST(CallerPermissions, CompareCaseInsensitively) {
    Caller d = parse_ok({{"tid", kTenant}, {"scp", "CLOUDPC.READWRITE.ALL"}});
    EXPECT_TRUE(d.has_permission("cloudpc.readwrite.all"));
    Caller a = parse_ok({{"tid", kTenant}, {"roles", {"cloudPC.read.ALL"}}});
    EXPECT_TRUE(a.has_permission("cloudpc.read.all"));
    EXPECT_FALSE(a.has_permission("cloudpc.readwrite.all"));
}

TEST(CallerPermissions, ScpIsSplitOnSpacesIgnoringRuns) {
    Caller c = parse_ok({{"tid", kTenant}, {"scp", "  openid   CloudPC.Read.All profile "}});
    EXPECT_EQ(c.permissions, (Strings{"openid", "cloudpc.read.all", "profile"}));
    Caller empty = parse_ok({{"tid", kTenant}, {"scp", ""}});
    EXPECT_TRUE(empty.permissions.empty());
    EXPECT_EQ(empty.kind, CallerKind::delegated);
}

TEST(CallerTenant, CanonicalisedToLowercase) {
    Caller c = parse_ok({{"tid", "72F988BF-86F1-41AF-91AB-2D7CD011DB47"}, {"scp", "x"}});
    EXPECT_EQ(c.tenant_id, kTenant);
}

TEST(CallerTenant, MissingOrInvalidTidIs401) {
    const json bad[] = {
        {{"scp", "CloudPC.ReadWrite.All"}},
        {{"tid", nullptr}, {"scp", "x"}},
        {{"tid", ""}, {"scp", "x"}},
        {{"tid", "contoso.onmicrosoft.com"}, {"scp", "x"}},
        {{"tid", "{72f988bf-86f1-41af-91ab-2d7cd011db47}"}, {"scp", "x"}},
        {{"tid", "72f988bf86f141af91ab2d7cd011db47"}, {"scp", "x"}},
        {{"tid", 42}, {"scp", "x"}},
        {{"tid", json::array({kTenant})}, {"scp", "x"}},
        {{"tid", {{"id", kTenant}}}, {"scp", "x"}},
        {{"tid", true}, {"scp", "x"}},
    };
    for (const json &claims : bad) {
        SCOPED_TRACE(claims.dump());
        expect_401(parse_caller(claims.dump()), "tokenInvalid");
    }
}

TEST(CallerMissing, NullAndEmptyAre401TokenMissing) {
    expect_401(parse_caller(std::string_view{}), "tokenMissing");
    expect_401(parse_caller(""), "tokenMissing");
}

TEST(CallerMissing, NotAJsonObjectIs401) {
    const char *const bad[] = {"null", "[]", "\"tid\"", "42", "true", "not json", "{", "   ",
                               "{\"tid\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\",\"tid\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\"}",
                               "{\"tid\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\"} x", "\xC0\xAF"};
    for (const char *text : bad) {
        SCOPED_TRACE(text);
        expect_401(parse_caller(text));
    }
    expect_401(parse_caller(std::string("{\"tid\":\"72f988bf-86f1-41af-91ab-2d7cd011db47\"}\0", 47)));
}

TEST(CallerClaimTypes, WrongTypesAre401) {
    const json bad[] = {
        {{"tid", kTenant}, {"idtyp", 1}},
        {{"tid", kTenant}, {"idtyp", "device"}},
        {{"tid", kTenant}, {"scp", json::array({"CloudPC.Read.All"})}},
        {{"tid", kTenant}, {"scp", 7}},
        {{"tid", kTenant}, {"roles", "CloudPC.Read.All"}},
        {{"tid", kTenant}, {"roles", json::array({1})}},
        {{"tid", kTenant}, {"roles", json::array({"ok", nullptr})}},
        {{"tid", kTenant}, {"scp", "x"}, {"wids", "62e90394-69f5-4237-9190-012177145e10"}},
        {{"tid", kTenant}, {"scp", "x"}, {"wids", json::array({42})}},
        {{"tid", kTenant}, {"scp", "x"}, {"oid", 1}},
        {{"tid", kTenant}, {"scp", "x"}, {"appid", false}},
        {{"tid", kTenant}, {"scp", "x"}, {"upn", json::object()}},
        {{"tid", kTenant}, {"scp", "x"}, {"acct", "1"}},
        {{"tid", kTenant}, {"scp", "x"}, {"acct", 1.5}},
    };
    for (const json &claims : bad) {
        SCOPED_TRACE(claims.dump());
        expect_401(parse_caller(claims.dump()), "tokenInvalid");
    }
}

TEST(CallerRoles, WidsAreCanonicalisedToLowercase) {
    Caller c = parse_ok({{"tid", kTenant},
                         {"scp", "x"},
                         {"wids", {"62E90394-69F5-4237-9190-012177145E10", "11451d60-ACB2-45eb-a7d6-43d0f0125c13"}}});
    EXPECT_EQ(c.role_ids, (Strings{"62e90394-69f5-4237-9190-012177145e10", "11451d60-acb2-45eb-a7d6-43d0f0125c13"}));
    EXPECT_TRUE(c.has_role("62e90394-69f5-4237-9190-012177145e10"));
}

TEST(CallerIdentity, OptionalStringClaimsAreCopied) {
    Caller c = parse_ok({{"tid", kTenant},
                         {"scp", "x"},
                         {"oid", "oid-1"},
                         {"appid", "app-1"},
                         {"upn", "admin@contoso.com"}});
    EXPECT_EQ(c.object_id, "oid-1");
    EXPECT_EQ(c.app_id, "app-1");
    EXPECT_EQ(c.user_principal_name, "admin@contoso.com");
    EXPECT_FALSE(c.guest);
    Caller azp = parse_ok({{"tid", kTenant}, {"scp", "x"}, {"azp", "app-2"}});
    EXPECT_EQ(azp.app_id, "app-2");
}

TEST(CallerIdentity, AcctOneMarksAGuest) {
    EXPECT_TRUE(parse_ok({{"tid", kTenant}, {"scp", "x"}, {"acct", 1}}).guest);
    EXPECT_FALSE(parse_ok({{"tid", kTenant}, {"scp", "x"}, {"acct", 0}}).guest);
    EXPECT_FALSE(parse_ok({{"tid", kTenant}, {"scp", "x"}}).guest);
}

TEST(CallerIdentity, UnknownClaimsAreIgnored) {
    Caller c = parse_ok({{"tid", kTenant},
                         {"scp", "CloudPC.Read.All"},
                         {"aud", "https://graph.microsoft.com"},
                         {"exp", 1700000000},
                         {"xms_cc", {"CP1"}},
                         {"nested", {{"deep", {1, 2, 3}}}}});
    EXPECT_EQ(c.tenant_id, kTenant);
    EXPECT_EQ(c.permissions, (Strings{"cloudpc.read.all"}));
}

TEST(CallerIdentity, NullOptionalClaimsCountAsAbsent) {
    Caller c = parse_ok({{"tid", kTenant}, {"idtyp", nullptr}, {"scp", nullptr}, {"roles", {"CloudPC.Read.All"}}});
    EXPECT_EQ(c.kind, CallerKind::application);
    EXPECT_EQ(c.permissions, (Strings{"cloudpc.read.all"}));
}

}  // namespace
}  // namespace cpep
