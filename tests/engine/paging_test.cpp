// Paging of the list (CONTRACT §5): pages of 100 with an opaque keyset @odata.nextLink; $top caps
// the total across pages, $skip applies once, and changes between pages neither skip nor repeat.
#include <algorithm>
#include <map>

#include "engine_support.h"

namespace cpep::engine_test {
namespace {

constexpr std::string_view kBase64Url = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(const std::string &in) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : in) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out.push_back(kBase64Url[(buffer >> bits) & 63]);
        }
    }
    if (bits > 0) out.push_back(kBase64Url[(buffer << (6 - bits)) & 63]);
    return out;
}

std::string base64url_decode(const std::string &in) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : in) {
        const auto v = kBase64Url.find(c);
        if (v == std::string_view::npos) throw std::runtime_error("not base64url: " + in);
        buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

std::string token_of(const std::string &link) {
    const auto p = link.find("?$skiptoken=");
    if (p == std::string::npos) throw std::runtime_error("no $skiptoken in " + link);
    return link.substr(p + 12);
}

struct Paging : ::testing::Test {
    // Seeded, so that tokens (sealed with a key derived from the seed) are the same on every run.
    std::unique_ptr<Engine> e = memory_engine(0, {{"idSeed", "paging"}});
    std::vector<std::string> ids;  // tenant A's, in creation order
    void SetUp() override {
        for (std::uint64_t i = 0; i < 250; ++i) {
            ids.push_back(create(*e, admin(kTenantA), guid(0xa, 1000 - i), i % 2 == 0)["id"]);
            if (i % 50 == 0) create(*e, admin(kTenantB), guid(0xb, i), true);  // interleaved rows of another tenant
        }
    }
    std::vector<json> pages(const std::string &query) {
        return read_pages(*e, reader(kTenantA), query.empty() ? kCollection : kCollection + "?" + query);
    }
    std::vector<std::string> slice(std::size_t from, std::size_t to) const {
        return {ids.begin() + static_cast<std::ptrdiff_t>(from), ids.begin() + static_cast<std::ptrdiff_t>(to)};
    }
};

TEST_F(Paging, NextLinksReadEverythingInCreationOrder) {
    const auto p = pages("");
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0]["value"].size(), 100u);
    EXPECT_EQ(p[1]["value"].size(), 100u);
    EXPECT_EQ(p[2]["value"].size(), 50u);
    EXPECT_FALSE(p[2].contains("@odata.nextLink"));
    EXPECT_EQ(ids_of(all_values(p)), ids);
    for (const auto &page : p) EXPECT_EQ(page["@odata.context"], kCollectionContext);
    for (std::size_t i = 0; i < 2; ++i) {
        const std::string link = p[i]["@odata.nextLink"];
        EXPECT_EQ(link.rfind(kRoot + kCollection + "?$skiptoken=", 0), 0u) << link;
        // Opaque: no offset or row number in clear, no tenant id.
        EXPECT_EQ(link.find("skip="), std::string::npos) << link;
        EXPECT_EQ(link.find(kTenantA), std::string::npos) << link;
    }
    // Every listed entity equals its GET.
    const auto all = all_values(p);
    for (std::size_t i = 0; i < all.size(); i += 37) {
        json single = get(*e, reader(kTenantA), ids[i]);
        single.erase("@odata.context");
        EXPECT_EQ(all[i], single);
    }
}

TEST_F(Paging, FilterSelectAndCountCarryAcrossPages) {
    const auto p = pages("$filter=enableConnection eq true&$select=partnerId&$count=true");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0]["value"].size(), 100u);
    EXPECT_EQ(p[1]["value"].size(), 25u);
    std::vector<std::string> expected;
    for (std::size_t i = 0; i < ids.size(); i += 2) expected.push_back(ids[i]);
    EXPECT_EQ(ids_of(all_values(p)), expected);
    EXPECT_EQ(p[0]["@odata.count"], 125);
    for (const auto &page : p) {
        EXPECT_EQ(page["@odata.context"], kCollectionContext + "(partnerId)");
        if (page.contains("@odata.count")) {
            EXPECT_EQ(page["@odata.count"], 125);
        }
        for (const auto &v : page["value"]) EXPECT_EQ(keys_of(v), (std::set<std::string>{"@odata.type", "id", "partnerId"}));
    }
}

TEST_F(Paging, TopCapsTheTotalAcrossPages) {
    auto p = pages("$top=150");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0]["value"].size(), 100u);
    EXPECT_EQ(p[1]["value"].size(), 50u);
    EXPECT_FALSE(p[1].contains("@odata.nextLink"));
    EXPECT_EQ(ids_of(all_values(p)), slice(0, 150));

    p = pages("$top=100");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_FALSE(p[0].contains("@odata.nextLink"));
    EXPECT_EQ(ids_of(all_values(p)), slice(0, 100));

    p = pages("$top=101");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(ids_of(all_values(p)), slice(0, 101));

    p = pages("$top=999");
    EXPECT_EQ(ids_of(all_values(p)), ids);

    p = pages("$top=150&$skip=20");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0]["value"].size(), 100u);
    EXPECT_EQ(p[1]["value"].size(), 50u);
    EXPECT_EQ(ids_of(all_values(p)), slice(20, 170));

    p = pages("$skip=120");
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(ids_of(all_values(p)), slice(120, 250));

    p = pages("$skip=200&$top=100");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(ids_of(all_values(p)), slice(200, 250));

    p = pages("$skip=250");
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0]["value"], json::array());
}

TEST_F(Paging, ChangesBetweenPagesNeitherSkipNorRepeat) {
    std::set<std::string> deleted;
    std::vector<std::string> created_meanwhile;
    std::uint64_t fresh = 0;
    auto remove = [&](std::size_t index) {
        ASSERT_EQ(send(*e, "DELETE", entity_path(ids[index]), admin(kTenantA)).status, 204);
        deleted.insert(ids[index]);
    };
    auto add = [&]() { created_meanwhile.push_back(create(*e, admin(kTenantA), guid(0xe, ++fresh))["id"]); };

    std::vector<std::string> seen;
    Reply r = send(*e, "GET", kCollection, reader(kTenantA));
    ASSERT_EQ(r.status, 200);
    json page = r.doc();
    std::vector<std::string> first = ids_of(page["value"]);
    seen.insert(seen.end(), first.begin(), first.end());
    // Between pages 1 and 2: delete ten already read, ten not yet read, and add some.
    for (std::size_t i = 0; i < 10; ++i) remove(i * 7);
    for (std::size_t i = 0; i < 10; ++i) remove(150 + i * 3);
    for (int i = 0; i < 5; ++i) add();

    int pages_read = 1;
    while (page.contains("@odata.nextLink")) {
        r = send(*e, "GET", page["@odata.nextLink"].get<std::string>(), reader(kTenantA));
        ASSERT_EQ(r.status, 200) << r.body;
        page = r.doc();
        const auto more = ids_of(page["value"]);
        for (const auto &id : more) EXPECT_FALSE(deleted.count(id)) << "deleted entity listed after its delete: " << id;
        seen.insert(seen.end(), more.begin(), more.end());
        ++pages_read;
        // Between later pages: delete the last entity of the page just read and the first not yet read.
        if (pages_read == 2) {
            const auto last = static_cast<std::size_t>(std::find(ids.begin(), ids.end(), more.back()) - ids.begin());
            ASSERT_LT(last + 1, ids.size());
            remove(last);
            remove(last + 1);
            add();
        }
        ASSERT_LT(pages_read, 10);
    }

    std::map<std::string, int> times;
    for (const auto &id : seen) ++times[id];
    for (const auto &[id, n] : times) EXPECT_EQ(n, 1) << id << " appears " << n << " times";
    for (const auto &id : ids) {
        if (!deleted.count(id)) {
            EXPECT_EQ(times[id], 1) << "entity present throughout was not listed: " << id;
        }
    }
    // Entities created meanwhile come after the originals, in creation order.
    std::vector<std::string> tail;
    for (const auto &id : seen)
        if (std::find(created_meanwhile.begin(), created_meanwhile.end(), id) != created_meanwhile.end()) tail.push_back(id);
    EXPECT_EQ(tail, created_meanwhile);
}

TEST_F(Paging, TamperedForeignAndMixedTokensAre400) {
    const auto p = pages("");
    const std::string link = p[0]["@odata.nextLink"];
    const std::string token = token_of(link);
    // Flip each character to another of the alphabet (changing its highest used bit).
    for (std::size_t i = 0; i < token.size(); ++i) {
        std::string t = token;
        const auto pos = kBase64Url.find(t[i]);
        ASSERT_NE(pos, std::string_view::npos) << "token is not base64url: " << token;
        t[i] = kBase64Url[pos ^ 0x20];
        SCOPED_TRACE(i);
        expect_graph_error(send(*e, "GET", kCollection + "?$skiptoken=" + t, reader(kTenantA)), 400, "badRequest",
                           "invalidQueryOption");
    }
    for (const std::string &t : {token.substr(0, token.size() - 1), token.substr(1), token + "A", token + token, std::string("x"),
                                 std::string(""), std::string("1.p.0.0.-1.....0.0.0")}) {
        SCOPED_TRACE(t);
        expect_graph_error(send(*e, "GET", kCollection + "?$skiptoken=" + t, reader(kTenantA)), 400, "badRequest",
                           "invalidQueryOption");
    }
    // Whatever the token carries, altering any byte of it is refused: flip the case bit (which
    // turns a hexadecimal digit 'a' into 'A'), the lowest bit, or make it a separator.
    const std::string payload = base64url_decode(token);
    ASSERT_EQ(base64url_encode(payload), token);
    for (std::size_t i = 0; i < payload.size(); ++i) {
        for (const char alteration : {'\x20', '\x01', '.'}) {
            std::string altered = payload;
            altered[i] = alteration == '.' ? (altered[i] == '.' ? '0' : '.') : static_cast<char>(altered[i] ^ alteration);
            SCOPED_TRACE("byte " + std::to_string(i) + " of '" + payload + "' altered to '" + altered + "'");
            expect_graph_error(send(*e, "GET", kCollection + "?$skiptoken=" + base64url_encode(altered), reader(kTenantA)), 400,
                               "badRequest", "invalidQueryOption");
        }
    }
    // A nextLink carries the whole query: adding options to it is refused.
    expect_graph_error(send(*e, "GET", link + "&$top=5", reader(kTenantA)), 400, "badRequest", "invalidQueryOption");
    expect_graph_error(send(*e, "GET", link + "&$filter=enableConnection eq true", reader(kTenantA)), 400, "badRequest",
                       "invalidQueryOption");
    // Another tenant: refused, and nothing of tenant A in the answer.
    Reply foreign = send(*e, "GET", link, reader(kTenantB));
    expect_graph_error(foreign, 400, "badRequest", "invalidQueryOption");
    for (const auto &id : ids) EXPECT_EQ(foreign.body.find(id), std::string::npos);
    // The untouched link still works for its owner.
    Reply again = send(*e, "GET", link, reader(kTenantA));
    ASSERT_EQ(again.status, 200);
    EXPECT_EQ(ids_of(again.doc()["value"]), slice(100, 200));
}

TEST(PagingLimits, TopOf999CapsALargerCollection) {
    auto e = memory_engine();
    std::vector<std::string> ids;
    for (std::uint64_t i = 0; i < 1005; ++i) ids.push_back(create(*e, admin(kTenantA), guid(0xa, i))["id"]);
    auto pages = read_pages(*e, reader(kTenantA), kCollection + "?$top=999&$count=true");
    ASSERT_EQ(pages.size(), 10u);
    for (std::size_t i = 0; i < 9; ++i) EXPECT_EQ(pages[i]["value"].size(), 100u);
    EXPECT_EQ(pages[9]["value"].size(), 99u);
    EXPECT_FALSE(pages[9].contains("@odata.nextLink"));
    EXPECT_EQ(pages[0]["@odata.count"], 1005);
    EXPECT_EQ(ids_of(all_values(pages)), std::vector<std::string>(ids.begin(), ids.begin() + 999));
    // Without $top everything comes, 100 at a time.
    pages = read_pages(*e, reader(kTenantA), kCollection);
    ASSERT_EQ(pages.size(), 11u);
    EXPECT_EQ(ids_of(all_values(pages)), ids);
}

TEST(PagingAcrossReopen, ALinkSurvivesReopeningTheDatabase) {
    TempDir dir;
    const std::string path = dir.file("db.sqlite");
    std::vector<std::string> ids;
    std::string link;
    {
        auto e = open_engine(path);
        for (std::uint64_t i = 0; i < 120; ++i) ids.push_back(create(*e, admin(kTenantA), guid(0xa, i))["id"]);
        Reply r = send(*e, "GET", kCollection, reader(kTenantA));
        ASSERT_EQ(r.status, 200);
        link = r.doc()["@odata.nextLink"];
    }
    auto e = open_engine(path, 60);
    Reply r = send(*e, "GET", link, reader(kTenantA));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(ids_of(r.doc()["value"]), std::vector<std::string>(ids.begin() + 100, ids.end()));
}

}  // namespace
}  // namespace cpep::engine_test
