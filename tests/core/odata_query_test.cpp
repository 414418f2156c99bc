#include "core/odata_query.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cpep {
namespace {

constexpr const char *kGuid = "198d7140-80bb-4843-8cc4-811377a49a92";

Outcome<ListOptions> list_options(std::string_view raw) {
    auto params = parse_query_string(raw);
    if (!params) return params.error();
    return parse_list_options(params.value());
}

void expect_invalid_query(const Outcome<ListOptions> &r, std::string_view raw) {
    SCOPED_TRACE(raw);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status, 400);
    EXPECT_EQ(r.error().code, "badRequest");
    EXPECT_EQ(r.error().inner_code, "invalidQueryOption");
    EXPECT_FALSE(r.error().message.empty());
}

TEST(QueryString, SplitsAndDecodes) {
    auto r = parse_query_string("a=1&b=x%20y+z&&c=%27q%27");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r.value().size(), 3u);
    EXPECT_EQ(r.value()[0].name, "a");
    EXPECT_EQ(r.value()[1].value, "x y z");
    EXPECT_EQ(r.value()[2].value, "'q'");
    EXPECT_TRUE(parse_query_string("").value().empty());
}

TEST(QueryString, MalformedIsInvalidQueryOption) {
    for (const char *raw : {"a=%zz", "a=%4", "a=%FF", "a=%00", "a", "a=1&a=2", "%C3=1"}) {
        SCOPED_TRACE(raw);
        auto r = parse_query_string(raw);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().inner_code, "invalidQueryOption");
    }
}

TEST(ListOptions, Defaults) {
    auto r = list_options("");
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r.value().top.has_value());
    EXPECT_EQ(r.value().skip, 0);
    EXPECT_FALSE(r.value().count);
    EXPECT_EQ(r.value().select.mask, kSelectAll);
    EXPECT_FALSE(r.value().select.explicit_select);
    EXPECT_FALSE(r.value().filter.enable_connection.has_value());
    EXPECT_FALSE(r.value().filter.partner_id.has_value());
}

TEST(ListOptions, FilterOnBothPropertiesWithRawOrEncodedSpaces) {
    const std::string uppercase = "198D7140-80BB-4843-8CC4-811377A49A92";
    for (const std::string &raw :
         {"$filter=enableConnection eq true and partnerId eq '" + uppercase + "'",
          "$filter=enableConnection%20eq%20true%20and%20partnerId%20eq%20%27" + uppercase + "%27",
          "$filter=enableConnection+eq+true+and+partnerId+eq+'" + uppercase + "'"}) {
        SCOPED_TRACE(raw);
        auto r = list_options(raw);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r.value().filter.enable_connection, true);
        EXPECT_EQ(r.value().filter.partner_id, kGuid);
        EXPECT_FALSE(r.value().filter.match_nothing);
    }
    EXPECT_EQ(list_options("$filter=enableConnection eq false").value().filter.enable_connection, false);
}

TEST(ListOptions, ContradictoryClausesMatchNothing) {
    auto r = list_options("$filter=enableConnection eq true and enableConnection eq false");
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.value().filter.match_nothing);
}

TEST(ListOptions, MalformedFiltersAre400) {
    for (const char *raw :
         {"$filter=", "$filter=enableConnection", "$filter=enableConnection eq", "$filter=enableConnection ne true",
          "$filter=enableConnection eq 1", "$filter=enableConnection eq 'true'", "$filter=partnerId eq 'x'",
          "$filter=partnerId eq 198d7140-80bb-4843-8cc4-811377a49a92", "$filter=partnerId eq '198d7140",
          "$filter=connectionStatus eq 'healthy'", "$filter=enableConnection eq true or enableConnection eq false",
          "$filter=enableConnection eq true and"}) {
        expect_invalid_query(list_options(raw), raw);
    }
}

TEST(ListOptions, TopSkipCount) {
    auto r = list_options("$top=999&$skip=5&$count=true");
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.value().top, 999);
    EXPECT_EQ(r.value().skip, 5);
    EXPECT_TRUE(r.value().count);
    EXPECT_EQ(list_options("$top=1").value().top, 1);
    EXPECT_FALSE(list_options("$count=false").value().count);
    for (const char *raw : {"$top=0", "$top=1000", "$top=-1", "$top=x", "$top=", "$top=1.5", "$skip=-1", "$skip=a",
                            "$count=yes", "$count="}) {
        expect_invalid_query(list_options(raw), raw);
    }
}

TEST(ListOptions, UnknownOptionsAre400) {
    for (const char *raw : {"foo=1", "$expand=x", "$orderby=id", "$search=x", "$format=json"})
        expect_invalid_query(list_options(raw), raw);
}

TEST(ListOptions, SkiptokenStandsAlone) {
    auto r = list_options("$skiptoken=abc");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.value().skiptoken, "abc");
    expect_invalid_query(list_options("$skiptoken=abc&$top=5"), "skiptoken with top");
}

TEST(Select, ExplicitListAndContextSuffix) {
    auto r = list_options("$select=partnerId,connectionStatus");
    ASSERT_TRUE(r.ok()) << r.error().message;
    const Select s = r.value().select;
    EXPECT_TRUE(s.explicit_select);
    EXPECT_EQ(s.mask, (1u << 1) | (1u << 4));
    EXPECT_EQ(select_context_suffix(s), "(partnerId,connectionStatus)");
    auto star = list_options("$select=*");
    ASSERT_TRUE(star.ok());
    EXPECT_EQ(star.value().select.mask, kSelectAll);
    EXPECT_EQ(select_context_suffix(star.value().select), "");
    for (const char *raw : {"$select=nope", "$select=", "$select=id,,partnerId", "$select=PartnerId"})
        expect_invalid_query(list_options(raw), raw);
}

TEST(GetOptions, OnlySelect) {
    auto params = parse_query_string("$select=id");
    ASSERT_TRUE(params.ok());
    auto s = parse_get_options(params.value());
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s.value().mask, 1u);
    auto top = parse_query_string("$top=1");
    ASSERT_TRUE(top.ok());
    auto refused = parse_get_options(top.value());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().inner_code, "invalidQueryOption");
}

}  // namespace
}  // namespace cpep
