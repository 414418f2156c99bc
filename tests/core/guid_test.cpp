#include "core/guid.h"

#include <gtest/gtest.h>

#include <string>

namespace cpep {
namespace {

TEST(Guid, CanonicalLowercaseIsKept) {
    EXPECT_EQ(canonical_guid("198d7140-80bb-4843-8cc4-811377a49a92"), "198d7140-80bb-4843-8cc4-811377a49a92");
    EXPECT_EQ(canonical_guid("00000000-0000-0000-0000-000000000000"), "00000000-0000-0000-0000-000000000000");
    EXPECT_TRUE(is_guid("198d7140-80bb-4843-8cc4-811377a49a92"));
}

TEST(Guid, UppercaseAndMixedCaseAreAcceptedAndLowered) {
    EXPECT_EQ(canonical_guid("198D7140-80BB-4843-8CC4-811377A49A92"), "198d7140-80bb-4843-8cc4-811377a49a92");
    EXPECT_EQ(canonical_guid("198d7140-80Bb-4843-8cC4-811377a49A92"), "198d7140-80bb-4843-8cc4-811377a49a92");
    EXPECT_EQ(canonical_guid("ABCDEFAB-CDEF-ABCD-EFAB-CDEFABCDEFAB"), "abcdefab-cdef-abcd-efab-cdefabcdefab");
    EXPECT_TRUE(is_guid("198D7140-80BB-4843-8CC4-811377A49A92"));
}

TEST(Guid, RefusesEveryOtherSpelling) {
    const char *const refused[] = {
        "",
        "{198d7140-80bb-4843-8cc4-811377a49a92}",
        "198d714080bb48438cc4811377a49a92",
        " 198d7140-80bb-4843-8cc4-811377a49a92",
        "198d7140-80bb-4843-8cc4-811377a49a92 ",
        "198d7140-80bb-4843-8cc4-811377a49a9",     // 35 characters
        "198d7140-80bb-4843-8cc4-811377a49a922",   // 37 characters
        "198d7140-80bb-4843-8cc4-811377a49a9g",    // not hex
        "198d7140_80bb_4843_8cc4_811377a49a92",
        "198d714-080bb-4843-8cc4-811377a49a92",    // dashes misplaced
        "198d7140-80bb-4843-8cc4811377a49a92-",
        "urn:uuid:198d7140-80bb-4843-8cc4-811377a49a92",
        "198d7140-80bb-4843-8cc4-811377a49a9\xc3\xa9",
    };
    for (const char *text : refused) {
        SCOPED_TRACE(text);
        EXPECT_FALSE(canonical_guid(text).has_value());
        EXPECT_FALSE(is_guid(text));
    }
}

TEST(Guid, RefusesEmbeddedNul) {
    const std::string text("198d7140-80bb-4843-8cc4-811377a49a9\0", 36);
    EXPECT_FALSE(is_guid(text));
    EXPECT_FALSE(canonical_guid(text).has_value());
}

}  // namespace
}  // namespace cpep
