#include "core/page_token.h"

#include <gtest/gtest.h>

#include <cctype>
#include <optional>
#include <string>

namespace cpep {
namespace {

const SipKey kKey{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
constexpr const char *kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr const char *kOtherTenant = "0d6a1c3e-7e8f-4b5a-9c2d-1e3f5a7b9c0d";

// Test vectors of the SipHash paper (Aumasson & Bernstein, appendix A): key 00..0f, message 00..(n-1).
TEST(SipHash, ReferenceVectors) {
    std::string msg;
    EXPECT_EQ(siphash24(kKey, msg), 0x726fdb47dd0e0e31ULL);
    for (int i = 0; i < 15; ++i) msg.push_back(static_cast<char>(i));
    EXPECT_EQ(siphash24(kKey, msg), 0xa129ca6149be45e5ULL);
    msg.resize(8);
    EXPECT_EQ(siphash24(kKey, msg), 0x93f5f5799a932462ULL);
}

PageToken sample() {
    PageToken t;
    t.kind = 'p';
    t.last_seq = 123456;
    t.last_id = "00000000-0000-4000-8000-000000000007";
    t.remaining = 42;
    t.a = "true";
    t.b = "198d7140-80bb-4843-8cc4-811377a49a92";
    t.select_mask = 0x13;
    t.explicit_select = true;
    t.count = true;
    return t;
}

TEST(PageToken, RoundTrips) {
    const PageToken t = sample();
    const std::string token = seal_page_token(t, kTenant, kKey);
    for (char c : token)
        EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
    auto opened = open_page_token(token, kTenant, kKey);
    ASSERT_TRUE(opened.has_value());
    EXPECT_EQ(opened->kind, t.kind);
    EXPECT_EQ(opened->last_seq, t.last_seq);
    EXPECT_EQ(opened->last_id, t.last_id);
    EXPECT_EQ(opened->remaining, t.remaining);
    EXPECT_EQ(opened->a, t.a);
    EXPECT_EQ(opened->b, t.b);
    EXPECT_EQ(opened->select_mask, t.select_mask);
    EXPECT_EQ(opened->explicit_select, t.explicit_select);
    EXPECT_EQ(opened->count, t.count);

    PageToken uncapped = sample();
    uncapped.remaining = -1;
    uncapped.a.clear();
    uncapped.b.clear();
    auto u = open_page_token(seal_page_token(uncapped, kTenant, kKey), kTenant, kKey);
    ASSERT_TRUE(u.has_value());
    EXPECT_EQ(u->remaining, -1);
    EXPECT_EQ(u->a, "");
}

TEST(PageToken, DoesNotOpenForAnotherScopeOrKey) {
    const std::string token = seal_page_token(sample(), kTenant, kKey);
    EXPECT_FALSE(open_page_token(token, kOtherTenant, kKey).has_value());
    EXPECT_FALSE(open_page_token(token, kTenant, SipKey{1, 2}).has_value());
}

TEST(PageToken, AnyAlterationIsRefused) {
    const std::string token = seal_page_token(sample(), kTenant, kKey);
    for (std::size_t i = 0; i < token.size(); ++i) {
        std::string altered = token;
        altered[i] = altered[i] == 'A' ? 'B' : 'A';
        // Only the unused low bits of the last character can change without changing the bytes.
        if (i + 1 < token.size()) {
            EXPECT_FALSE(open_page_token(altered, kTenant, kKey).has_value()) << i;
        }
    }
    EXPECT_FALSE(open_page_token(token.substr(0, token.size() - 4), kTenant, kKey).has_value());
    EXPECT_FALSE(open_page_token(token + "AAAA", kTenant, kKey).has_value());
    for (const char *garbage : {"", "x", "!!!!", "MS5wLi4uLi4uLi4uLg", "%41%41"})
        EXPECT_FALSE(open_page_token(garbage, kTenant, kKey).has_value()) << garbage;
}

std::optional<std::string> base64url_decode(std::string_view in) {
    static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        const auto v = kAlphabet.find(c);
        if (v == std::string_view::npos) return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

TEST(PageToken, RowPositionIsNotInTheClear) {
    PageToken a = sample(), b = sample();
    b.last_seq = a.last_seq + 1;
    const std::string ta = seal_page_token(a, kTenant, kKey), tb = seal_page_token(b, kTenant, kKey);
    EXPECT_NE(ta, tb);
    auto payload = base64url_decode(ta);
    ASSERT_TRUE(payload.has_value());
    EXPECT_NE(payload->find(a.last_id), std::string::npos) << *payload;  // decoding works
    // Neither the decimal nor the hex spelling of the row position appears in the payload.
    EXPECT_EQ(payload->find("123456"), std::string::npos) << *payload;
    EXPECT_EQ(payload->find("1e240"), std::string::npos) << *payload;
    // Nor does the tenant the token is scoped to.
    EXPECT_EQ(payload->find(kTenant), std::string::npos) << *payload;
}

}  // namespace
}  // namespace cpep
