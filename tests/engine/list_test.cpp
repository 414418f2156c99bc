// GET …/externalPartners (CONTRACT §5): creation order, $filter, $select, $top, $skip, $count,
// URL encodings, and 400 invalidQueryOption for anything else.
#include "engine_support.h"

namespace cpep::engine_test {
namespace {

// Five partners of tenant A (partnerIds deliberately not in creation order), alternating
// enabled/disabled, and one of tenant B.
struct Listing : ::testing::Test {
    std::unique_ptr<Engine> e = memory_engine();
    std::vector<std::string> ids, partners;
    std::vector<bool> enabled;
    void SetUp() override {
        const std::uint64_t order[] = {5, 3, 9, 1, 7};
        for (std::size_t i = 0; i < 5; ++i) {
            partners.push_back(guid(0xa, order[i]));
            enabled.push_back(i % 2 == 0);
            ids.push_back(create(*e, admin(kTenantA), partners.back(), enabled.back())["id"]);
        }
        create(*e, admin(kTenantB), guid(0xb, 1));
    }
    Reply list(const std::string &query, const std::string &caller = reader(kTenantA)) {
        return send(*e, "GET", query.empty() ? kCollection : kCollection + "?" + query, caller);
    }
    json ok(const std::string &query) {
        Reply r = list(query);
        if (r.status != 200) throw std::runtime_error(query + " -> " + std::to_string(r.status) + " " + r.body);
        return r.doc();
    }
    std::vector<std::string> ids_where(bool value) const {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < ids.size(); ++i)
            if (enabled[i] == value) out.push_back(ids[i]);
        return out;
    }
};

TEST_F(Listing, ReturnsTheCallersPartnersInCreationOrder) {
    const json page = ok("");
    EXPECT_EQ(keys_of(page), (std::set<std::string>{"@odata.context", "value"}));
    EXPECT_EQ(page["@odata.context"], kCollectionContext);
    const std::vector<json> values = page["value"];
    EXPECT_EQ(ids_of(values), ids);
    for (std::size_t i = 0; i < values.size(); ++i) {
        json expected = get(*e, reader(kTenantA), ids[i]);
        expected.erase("@odata.context");
        EXPECT_EQ(values[i], expected);
    }
    EXPECT_EQ(ok("")["value"].size(), 5u);
    Reply b = list("", reader(kTenantB));
    ASSERT_EQ(b.status, 200);
    EXPECT_EQ(b.doc()["value"].size(), 1u);
    Reply none = list("", reader("7d1c8b8e-1111-4222-8333-944455556666"));
    ASSERT_EQ(none.status, 200);
    EXPECT_EQ(none.doc()["value"], json::array());
}

TEST_F(Listing, FiltersOnEnableConnection) {
    EXPECT_EQ(ids_of(ok("$filter=enableConnection eq true")["value"]), ids_where(true));
    EXPECT_EQ(ids_of(ok("$filter=enableConnection eq false")["value"]), ids_where(false));
    const json disabled = ok("$filter=enableConnection eq false");  // kept alive for the loop (a range-for over
    for (const json &v : disabled["value"]) EXPECT_EQ(v["connectionStatus"], "notAvailable");  // a temporary's member dangles)
}

TEST_F(Listing, FiltersOnPartnerIdCaseInsensitively) {
    EXPECT_EQ(ids_of(ok("$filter=partnerId eq '" + partners[2] + "'")["value"]), std::vector<std::string>{ids[2]});
    EXPECT_EQ(ids_of(ok("$filter=partnerId eq '" + upper(partners[2]) + "'")["value"]), std::vector<std::string>{ids[2]});
    EXPECT_EQ(ok("$filter=partnerId eq '" + guid(0xb, 1) + "'")["value"], json::array());  // tenant B's
    EXPECT_EQ(ok("$filter=partnerId eq '" + guid(0xa, 100) + "'")["value"], json::array());
}

TEST_F(Listing, JoinsClausesWithAnd) {
    EXPECT_EQ(ids_of(ok("$filter=partnerId eq '" + partners[2] + "' and enableConnection eq true")["value"]),
              std::vector<std::string>{ids[2]});
    EXPECT_EQ(ok("$filter=partnerId eq '" + partners[2] + "' and enableConnection eq false")["value"], json::array());
    EXPECT_EQ(ids_of(ok("$filter=enableConnection eq false and partnerId eq '" + partners[1] + "'")["value"]),
              std::vector<std::string>{ids[1]});
    EXPECT_EQ(ids_of(ok("$filter=enableConnection eq true and enableConnection eq true")["value"]), ids_where(true));
}

TEST_F(Listing, ContradictoryFiltersMatchNothing) {
    const json a = ok("$filter=enableConnection eq true and enableConnection eq false&$count=true");
    EXPECT_EQ(a["value"], json::array());
    EXPECT_EQ(a["@odata.count"], 0);
    const json b = ok("$filter=partnerId eq '" + partners[0] + "' and partnerId eq '" + partners[1] + "'&$count=true");
    EXPECT_EQ(b["value"], json::array());
    EXPECT_EQ(b["@odata.count"], 0);
}

TEST_F(Listing, SelectNarrowsEveryEntryAndNamesThePropertiesInTheContext) {
    const json page = ok("$select=partnerId,enableConnection");
    EXPECT_EQ(page["@odata.context"], kCollectionContext + "(partnerId,enableConnection)");
    ASSERT_EQ(page["value"].size(), 5u);
    for (std::size_t i = 0; i < 5; ++i) {
        const json &v = page["value"][i];
        EXPECT_EQ(keys_of(v), (std::set<std::string>{"@odata.type", "id", "partnerId", "enableConnection"}));
        EXPECT_EQ(v["id"], ids[i]);
        EXPECT_EQ(v["partnerId"], partners[i]);
        EXPECT_EQ(v["enableConnection"], enabled[i]);
    }
    const json only_status = ok("$select=connectionStatus");
    for (const json &v : only_status["value"]) EXPECT_EQ(keys_of(v), (std::set<std::string>{"@odata.type", "id", "connectionStatus"}));
    EXPECT_EQ(ok("$select=*")["@odata.context"], kCollectionContext);
}

TEST_F(Listing, TopCapsTheResult) {
    EXPECT_EQ(ids_of(ok("$top=1")["value"]), std::vector<std::string>{ids[0]});
    EXPECT_FALSE(ok("$top=1").contains("@odata.nextLink"));
    EXPECT_EQ(ids_of(ok("$top=3")["value"]), (std::vector<std::string>{ids[0], ids[1], ids[2]}));
    EXPECT_EQ(ids_of(ok("$top=999")["value"]), ids);
    EXPECT_EQ(ids_of(ok("$top=2&$filter=enableConnection eq true")["value"]), (std::vector<std::string>{ids[0], ids[2]}));
}

TEST_F(Listing, SkipDropsTheFirstEntries) {
    EXPECT_EQ(ids_of(ok("$skip=2")["value"]), (std::vector<std::string>{ids[2], ids[3], ids[4]}));
    EXPECT_EQ(ids_of(ok("$skip=0")["value"]), ids);
    EXPECT_EQ(ok("$skip=5")["value"], json::array());
    EXPECT_EQ(ok("$skip=500")["value"], json::array());
    EXPECT_EQ(ids_of(ok("$skip=1&$top=2")["value"]), (std::vector<std::string>{ids[1], ids[2]}));
    EXPECT_EQ(ids_of(ok("$top=2&$skip=1")["value"]), (std::vector<std::string>{ids[1], ids[2]}));
    EXPECT_EQ(ids_of(ok("$skip=1&$filter=enableConnection eq true")["value"]), (std::vector<std::string>{ids[2], ids[4]}));
}

TEST_F(Listing, CountIgnoresTopAndSkipButHonoursTheFilter) {
    json page = ok("$count=true");
    EXPECT_EQ(page["@odata.count"], 5);
    page = ok("$count=true&$top=1&$skip=1");
    EXPECT_EQ(page["@odata.count"], 5);
    EXPECT_EQ(ids_of(page["value"]), std::vector<std::string>{ids[1]});
    page = ok("$count=true&$filter=enableConnection eq true&$top=1");
    EXPECT_EQ(page["@odata.count"], 3);
    page = ok("$count=true&$skip=10");
    EXPECT_EQ(page["@odata.count"], 5);
    EXPECT_EQ(page["value"], json::array());
    EXPECT_FALSE(ok("$count=false").contains("@odata.count"));
    EXPECT_FALSE(ok("").contains("@odata.count"));
    Reply b = list("$count=true", reader(kTenantB));
    ASSERT_EQ(b.status, 200);
    EXPECT_EQ(b.doc()["@odata.count"], 1);
}

TEST_F(Listing, AcceptsPercentEncodedAndRawSpaces) {
    const auto expected = ids_where(true);
    for (const std::string query :
         {"$filter=enableConnection eq true", "$filter=enableConnection%20eq%20true", "%24filter=enableConnection%20eq%20true",
          "$filter=enableConnection+eq+true", "%24filter=enableConnection%20eq%20%74rue", "$filter=enableConnection  eq   true",
          "$filter=enableConnection%20eq%20true&"}) {
        SCOPED_TRACE(query);
        Reply r = list(query);
        ASSERT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(ids_of(r.doc()["value"]), expected);
    }
    Reply r = list("$filter=partnerId%20eq%20%27" + upper(partners[3]) + "%27");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(ids_of(r.doc()["value"]), std::vector<std::string>{ids[3]});
    r = list("%24select=partnerId%2CenableConnection&%24top=2&%24count=true");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.doc()["value"].size(), 2u);
    EXPECT_EQ(r.doc()["@odata.count"], 5);
}

TEST_F(Listing, OtherOrMalformedOptionsAre400InvalidQueryOption) {
    for (const std::string query : {
             "$top=0", "$top=1000", "$top=abc", "$top=-1", "$top=", "$top=1.5", "$top=99999999999999999999",
             "$skip=-1", "$skip=abc", "$skip=",
             "$count=yes", "$count=1", "$count=",
             "$orderby=partnerId", "$expand=agentSetting", "$search=x", "$format=json", "foo=bar", "filter=enableConnection eq true",
             "$top=1&$top=2", "$filter=enableConnection eq true&$filter=enableConnection eq false", "$select=id&%24select=id",
             "$select=unknown", "$select=partnerId,,id", "$select=",
             "$skiptoken=abc", "$skiptoken=",
             "$top", "$filter=enableConnection%2", "$filter=%ff",
         }) {
        SCOPED_TRACE(query);
        expect_graph_error(list(query), 400, "badRequest", "invalidQueryOption");
    }
}

TEST_F(Listing, MalformedFiltersAre400InvalidQueryOption) {
    for (const std::string &filter : std::vector<std::string>{
             "", "enableConnection", "enableConnection eq", "enableConnection eq 'true'", "enableConnection eq 1",
             "enableConnection ne true", "enableConnection eq true or enableConnection eq false",
             "enableConnection eq true and", "and enableConnection eq true", "partnerId eq 'not-a-guid'",
             "partnerId eq " + partners[0], "partnerId eq '" + partners[0], "partnerId eq '{" + partners[0] + "}'",
             "connectionStatus eq 'available'", "id eq '" + ids[0] + "'", "(enableConnection eq true)",
             "not enableConnection eq true", "enableConnection eq true enableConnection eq false",
             "startswith(partnerId,'a')",
         }) {
        SCOPED_TRACE(filter);
        expect_graph_error(list("$filter=" + filter), 400, "badRequest", "invalidQueryOption");
    }
}

}  // namespace
}  // namespace cpep::engine_test
