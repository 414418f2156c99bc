// What a file-backed engine remembers across close and reopen (CONTRACT §3 rule 6, §7 idSeed).
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cpep.h"
#include "support.h"

namespace cpep_test {
namespace {

std::vector<std::string> create_many(Engine &engine, unsigned group, unsigned from, unsigned count) {
    std::vector<std::string> ids;
    for (unsigned i = from; i < from + count; ++i) {
        Buf out;
        const int status = engine.create(out, partner_body(numbered_guid(group, i)));
        EXPECT_EQ(status, 201) << out.str();
        ids.push_back(out.json().value("id", ""));
    }
    return ids;
}

TEST(Persistence, PartnerIdStaysTakenAfterReopen) {
    TempDir dir;
    const std::string db = dir.file("partners.db");
    const std::string partner = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9";
    std::string first_id;
    {
        Engine engine;
        ASSERT_EQ(engine.open(db), CPEP_OK) << cpep_error_last();
        Buf out;
        ASSERT_EQ(engine.create(out, partner_body(partner)), 201) << out.str();
        first_id = out.json().value("id", "");
    }
    Engine engine;
    ASSERT_EQ(engine.open(db), CPEP_OK) << cpep_error_last();
    Buf out;
    expect_graph_error(out, engine.create(out, partner_body(partner, false)), 409, "conflict");
    EXPECT_EQ(out.json()["error"]["innerError"].value("code", ""), "partnerAlreadyExists") << out.str();
    // Compared case-insensitively.
    Buf upper;
    expect_graph_error(upper, engine.create(upper, partner_body("0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F9")), 409,
                       "conflict");
    // Another tenant may use the same partnerId.
    const std::string other =
        R"({"tid":"0d7c3b2e-5f3a-4c4b-9a59-2f7f8b1a6c01","idtyp":"app","roles":["CloudPC.ReadWrite.All"]})";
    const std::string body = partner_body(partner);
    Buf out2;
    EXPECT_EQ(cpep_create_external_partner(out2.p(), engine.get(), other.c_str(), body.data(), body.size()), 201)
        << out2.str();
    EXPECT_NE(out2.json().value("id", ""), first_id);
    engine.close();
    EXPECT_EQ(count_partner_rows(db), 2);
}

TEST(Persistence, SameSeedGivesSameIdsInFreshDatabases) {
    TempDir dir;
    const std::string options = R"({"idSeed":"replay-me","durability":"normal"})";
    Engine a, b;
    ASSERT_EQ(a.open(dir.file("a.db"), options), CPEP_OK) << cpep_error_last();
    ASSERT_EQ(b.open(dir.file("b.db"), options), CPEP_OK) << cpep_error_last();
    const auto ids_a = create_many(a, 6, 0, 5);
    const auto ids_b = create_many(b, 7, 0, 5);  // other partnerIds: the ids depend on the seed only
    EXPECT_EQ(ids_a, ids_b);
    EXPECT_EQ(std::set<std::string>(ids_a.begin(), ids_a.end()).size(), ids_a.size());
    for (const auto &id : ids_a) EXPECT_TRUE(is_lowercase_uuid(id)) << id;

    Engine c;
    ASSERT_EQ(c.open(dir.file("c.db"), R"({"idSeed":"another-seed","durability":"normal"})"), CPEP_OK);
    const auto ids_c = create_many(c, 6, 0, 5);
    for (const auto &id : ids_c) EXPECT_EQ(std::count(ids_a.begin(), ids_a.end(), id), 0) << id;

    // A seeded :memory: engine follows the same stream.
    Engine m;
    ASSERT_EQ(m.open(":memory:", R"({"idSeed":"replay-me"})"), CPEP_OK) << cpep_error_last();
    EXPECT_EQ(create_many(m, 8, 0, 5), ids_a);
}

TEST(Persistence, ReopeningASeededDatabaseNeverReissuesAnId) {
    TempDir dir;
    const std::string db = dir.file("seeded.db");
    const std::string options = R"({"idSeed":"continue","durability":"normal"})";
    std::vector<std::string> before;
    {
        Engine engine;
        ASSERT_EQ(engine.open(db, options), CPEP_OK) << cpep_error_last();
        before = create_many(engine, 9, 0, 5);
    }
    std::vector<std::string> after;
    {
        Engine engine;
        ASSERT_EQ(engine.open(db, options), CPEP_OK) << cpep_error_last();
        after = create_many(engine, 9, 5, 5);
    }
    for (const auto &id : after) EXPECT_EQ(std::count(before.begin(), before.end(), id), 0) << id;
    std::set<std::string> all(before.begin(), before.end());
    all.insert(after.begin(), after.end());
    EXPECT_EQ(all.size(), 10u);

    // The stream continues where it stopped: the same as ten creates in one go.
    Engine fresh;
    ASSERT_EQ(fresh.open(dir.file("fresh.db"), options), CPEP_OK) << cpep_error_last();
    auto expected = create_many(fresh, 10, 0, 10);
    std::vector<std::string> combined = before;
    combined.insert(combined.end(), after.begin(), after.end());
    EXPECT_EQ(combined, expected);
    EXPECT_EQ(count_partner_rows(db), 10);
}

TEST(Persistence, ReopeningASeededDatabaseWithoutSeedNeverCollides) {
    TempDir dir;
    const std::string db = dir.file("mixed.db");
    std::vector<std::string> seeded;
    {
        Engine engine;
        ASSERT_EQ(engine.open(db, R"({"idSeed":"mixed"})"), CPEP_OK) << cpep_error_last();
        seeded = create_many(engine, 11, 0, 3);
    }
    Engine engine;
    ASSERT_EQ(engine.open(db), CPEP_OK) << cpep_error_last();
    for (const auto &id : create_many(engine, 11, 3, 3))
        EXPECT_EQ(std::count(seeded.begin(), seeded.end(), id), 0) << id;
}

}  // namespace
}  // namespace cpep_test
