// cpep.h: "Passing a buffer that still holds data to a request releases the old data first."
// Measured with glibc's allocator statistics: a thousand calls into the same full buffer must not
// leave a thousand response bodies behind. Requests to an unknown path are used because they
// touch no storage, so nothing but a leaked body can make the heap grow.
#include <malloc.h>

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "cpep.h"
#include "support.h"

namespace cpep_test {
namespace {

constexpr int kCalls = 1000;
constexpr size_t kAllowedGrowth = 64 * 1024;  // caches and allocator slack; a leak is >= 200 KiB

size_t heap_in_use() { return mallinfo2().uordblks; }

class BufferReuse : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_EQ(engine_.open(":memory:"), CPEP_OK) << cpep_error_last();
        // Warm every lazy cache (thread-local generators, parsed callers, ...) before measuring.
        for (int i = 0; i < 100; ++i) {
            cpep_buf out = CPEP_BUF_INIT;
            cpep_request(&out, engine_.get(), "GET", "/nowhere", caller_.c_str(), nullptr, 0);
            cpep_buf_dispose(&out);
        }
    }

    Engine engine_;
    const std::string caller_ = app_writer();
};

TEST_F(BufferReuse, RequestReleasesTheOldBody) {
    cpep_buf out = CPEP_BUF_INIT;
    ASSERT_EQ(cpep_request(&out, engine_.get(), "GET", "/nowhere", caller_.c_str(), nullptr, 0), 404);
    ASSERT_GE(out.size, 200u);
    const size_t before = heap_in_use();
    for (int i = 0; i < kCalls; ++i)
        cpep_request(&out, engine_.get(), "GET", "/nowhere", caller_.c_str(), nullptr, 0);
    const size_t after = heap_in_use();
    cpep_buf_dispose(&out);
    EXPECT_LT(after - std::min(after, before), kAllowedGrowth)
        << "the heap grew by " << (after - before) << " bytes over " << kCalls
        << " cpep_request calls into a full buffer: the old body is not released";
}

TEST_F(BufferReuse, CreateReleasesTheOldBody) {
    const std::string body = "not json";  // 400: no storage touched either
    cpep_buf out = CPEP_BUF_INIT;
    ASSERT_EQ(cpep_create_external_partner(&out, engine_.get(), caller_.c_str(), body.data(), body.size()), 400);
    ASSERT_GE(out.size, 150u);
    const size_t before = heap_in_use();
    for (int i = 0; i < kCalls; ++i)
        cpep_create_external_partner(&out, engine_.get(), caller_.c_str(), body.data(), body.size());
    const size_t after = heap_in_use();
    cpep_buf_dispose(&out);
    EXPECT_LT(after - std::min(after, before), kAllowedGrowth)
        << "the heap grew by " << (after - before) << " bytes over " << kCalls
        << " cpep_create_external_partner calls into a full buffer: the old body is not released";
}

TEST_F(BufferReuse, MisuseWithAFullBufferReleasesItToo) {
    // A negative return leaves *out {NULL, 0}; the body it held must not be lost on the way.
    const size_t before = heap_in_use();
    for (int i = 0; i < kCalls; ++i) {
        cpep_buf out = CPEP_BUF_INIT;
        cpep_request(&out, engine_.get(), "GET", "/nowhere", caller_.c_str(), nullptr, 0);
        ASSERT_EQ(cpep_request(&out, nullptr, "GET", "/nowhere", caller_.c_str(), nullptr, 0), CPEP_EINVALID);
        ASSERT_EQ(out.ptr, nullptr);
        ASSERT_EQ(out.size, 0u);
    }
    const size_t after = heap_in_use();
    EXPECT_LT(after - std::min(after, before), kAllowedGrowth)
        << "the heap grew by " << (after - before) << " bytes over " << kCalls
        << " misuse calls with a full buffer: the old body is not released";
}

}  // namespace
}  // namespace cpep_test
