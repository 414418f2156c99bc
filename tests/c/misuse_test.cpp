// Every negative return of the C ABI (CONTRACT §6, cpep.h): misuse and cpep_open failures.
#include <cstring>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "cpep.h"
#include "support.h"

namespace cpep_test {
namespace {

const std::string kBody = partner_body(numbered_guid(1, 1));

class Misuse : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(engine_.open(":memory:"), CPEP_OK) << cpep_error_last(); }

    // A negative return leaves *out {NULL, 0} and a message on this thread.
    static void expect_invalid(int rc, const cpep_buf &out) {
        EXPECT_EQ(rc, CPEP_EINVALID);
        EXPECT_EQ(out.ptr, nullptr);
        EXPECT_EQ(out.size, 0u);
        const char *message = cpep_error_last();
        ASSERT_NE(message, nullptr);
        EXPECT_STRNE(message, "");
    }

    Engine engine_;
    const std::string caller_ = app_writer();
};

TEST_F(Misuse, CreateWithNullOut) {
    EXPECT_EQ(cpep_create_external_partner(nullptr, engine_.get(), caller_.c_str(), kBody.data(), kBody.size()),
              CPEP_EINVALID);
    EXPECT_STRNE(cpep_error_last(), "");
}

TEST_F(Misuse, CreateWithNullEngine) {
    cpep_buf out = CPEP_BUF_INIT;
    expect_invalid(cpep_create_external_partner(&out, nullptr, caller_.c_str(), kBody.data(), kBody.size()), out);
}

TEST_F(Misuse, CreateWithNullBodyAndLength) {
    cpep_buf out = CPEP_BUF_INIT;
    expect_invalid(cpep_create_external_partner(&out, engine_.get(), caller_.c_str(), nullptr, 5), out);
}

TEST_F(Misuse, CreateWithNullBodyAndZeroLengthIsARequest) {
    // Not misuse: an empty body is the caller's problem, answered with an HTTP status.
    Buf out;
    const int status = cpep_create_external_partner(out.p(), engine_.get(), caller_.c_str(), nullptr, 0);
    expect_graph_error(out, status, 400, "badRequest");
}

TEST_F(Misuse, CreateWithNullCallerIsA401NotMisuse) {
    Buf out;
    const int status = cpep_create_external_partner(out.p(), engine_.get(), nullptr, kBody.data(), kBody.size());
    expect_graph_error(out, status, 401, "InvalidAuthenticationToken");
}

TEST_F(Misuse, RequestWithNullOut) {
    EXPECT_EQ(cpep_request(nullptr, engine_.get(), "POST", std::string(kPartners).c_str(), caller_.c_str(),
                           kBody.data(), kBody.size()),
              CPEP_EINVALID);
    EXPECT_STRNE(cpep_error_last(), "");
}

TEST_F(Misuse, RequestWithNullEngine) {
    cpep_buf out = CPEP_BUF_INIT;
    expect_invalid(cpep_request(&out, nullptr, "POST", std::string(kPartners).c_str(), caller_.c_str(),
                                kBody.data(), kBody.size()),
                   out);
}

TEST_F(Misuse, RequestWithNullMethod) {
    cpep_buf out = CPEP_BUF_INIT;
    expect_invalid(cpep_request(&out, engine_.get(), nullptr, std::string(kPartners).c_str(), caller_.c_str(),
                                kBody.data(), kBody.size()),
                   out);
}

TEST_F(Misuse, RequestWithNullUrl) {
    cpep_buf out = CPEP_BUF_INIT;
    expect_invalid(cpep_request(&out, engine_.get(), "POST", nullptr, caller_.c_str(), kBody.data(), kBody.size()),
                   out);
}

TEST_F(Misuse, RequestWithNullBodyAndLength) {
    cpep_buf out = CPEP_BUF_INIT;
    expect_invalid(
        cpep_request(&out, engine_.get(), "POST", std::string(kPartners).c_str(), caller_.c_str(), nullptr, 1),
        out);
}

TEST_F(Misuse, MisuseIsCheckedBeforeRouting) {
    // Even on a path that would be 404, a NULL engine is misuse, not an HTTP status.
    cpep_buf out = CPEP_BUF_INIT;
    expect_invalid(cpep_request(&out, nullptr, "GET", "/nowhere", nullptr, nullptr, 0), out);
}

TEST_F(Misuse, CloseAndDisposeAreNullSafeAndIdempotent) {
    cpep_close(nullptr);
    cpep_buf_dispose(nullptr);
    cpep_buf empty = CPEP_BUF_INIT;
    cpep_buf_dispose(&empty);
    EXPECT_EQ(empty.ptr, nullptr);

    cpep_buf out = CPEP_BUF_INIT;
    const int status = cpep_create_external_partner(&out, engine_.get(), caller_.c_str(), kBody.data(), kBody.size());
    EXPECT_EQ(status, 201);
    ASSERT_NE(out.ptr, nullptr);
    cpep_buf_dispose(&out);
    EXPECT_EQ(out.ptr, nullptr);
    EXPECT_EQ(out.size, 0u);
    cpep_buf_dispose(&out);  // twice
    EXPECT_EQ(out.ptr, nullptr);
    EXPECT_EQ(out.size, 0u);
}

TEST_F(Misuse, ReusingAFullBufferReplacesItsContent) {
    Buf out;
    ASSERT_EQ(engine_.request(out, "GET", "/nowhere", caller_.c_str(), {}), 404);
    ASSERT_NE(out.b.ptr, nullptr);
    ASSERT_EQ(engine_.create(out, kBody), 201) << out.str();  // the 404 body is released first
    EXPECT_EQ(out.json().value("partnerId", ""), numbered_guid(1, 1));
}

TEST(ErrorLast, NeverNullAndEmptyOnAFreshThread) {
    std::string seen = "unset";
    bool was_null = true;
    std::thread([&] {
        const char *message = cpep_error_last();
        was_null = message == nullptr;
        if (message) seen = message;
    }).join();
    EXPECT_FALSE(was_null);
    EXPECT_EQ(seen, "");
}

TEST(ErrorLast, IsThreadLocal) {
    cpep_buf out = CPEP_BUF_INIT;
    ASSERT_EQ(cpep_request(&out, nullptr, "GET", "/x", nullptr, nullptr, 0), CPEP_EINVALID);
    const std::string mine = cpep_error_last();
    ASSERT_NE(mine, "");

    std::string other_before = "unset", other_after;
    std::thread([&] {
        other_before = cpep_error_last();  // this thread has had no error
        cpep_engine *engine = reinterpret_cast<cpep_engine *>(1);
        EXPECT_EQ(cpep_open(&engine, ":memory:", "{\"bogusOnOtherThread\": 1}"), CPEP_EINVALID);
        other_after = cpep_error_last();
    }).join();
    EXPECT_EQ(other_before, "");
    EXPECT_NE(other_after.find("bogusOnOtherThread"), std::string::npos) << other_after;
    // The other thread's failure did not overwrite this thread's message.
    EXPECT_EQ(std::string(cpep_error_last()), mine);
}

TEST(Version, AbiAndLibraryVersion) {
    EXPECT_EQ(cpep_abi_version(), CPEP_ABI_VERSION);
    const char *version = cpep_version();
    ASSERT_NE(version, nullptr);
    EXPECT_NE(std::strlen(version), 0u);
    EXPECT_EQ(version, cpep_version());  // static storage
}

// ---- cpep_open ----------------------------------------------------------------------------------

TEST(Open, NullOut) {
    EXPECT_EQ(cpep_open(nullptr, ":memory:", nullptr), CPEP_EINVALID);
    EXPECT_STRNE(cpep_error_last(), "");
}

TEST(Open, NullPath) {
    cpep_engine *engine = reinterpret_cast<cpep_engine *>(1);
    EXPECT_EQ(cpep_open(&engine, nullptr, nullptr), CPEP_EINVALID);
    EXPECT_EQ(engine, nullptr);
    EXPECT_STRNE(cpep_error_last(), "");
}

TEST(Open, NullAndEmptyOptionsAreDefaults) {
    for (const char *options : {static_cast<const char *>(nullptr), "", "{}"}) {
        cpep_engine *engine = nullptr;
        EXPECT_EQ(cpep_open(&engine, ":memory:", options), CPEP_OK) << (options ? options : "NULL");
        EXPECT_NE(engine, nullptr);
        cpep_close(engine);
    }
}

TEST(Open, EveryDocumentedOptionIsAccepted) {
    cpep_engine *engine = nullptr;
    ASSERT_EQ(cpep_open(&engine, ":memory:",
                        R"({"durability":"normal","now":"2020-11-03T12:43:14Z","idSeed":"s","busyTimeoutMs":0})"),
              CPEP_OK)
        << cpep_error_last();
    cpep_close(engine);
    ASSERT_EQ(cpep_open(&engine, ":memory:", R"({"durability":"full","busyTimeoutMs":250})"), CPEP_OK)
        << cpep_error_last();
    cpep_close(engine);
}

struct BadOptions {
    const char *label;  // the test name suffix
    const char *json;
    const char *named;  // what the message must contain ("" = just non-empty)
};

void PrintTo(const BadOptions &c, std::ostream *os) { *os << c.json; }

class OpenBadOptions : public ::testing::TestWithParam<BadOptions> {};

TEST_P(OpenBadOptions, IsInvalidAndNamesTheKey) {
    const BadOptions &c = GetParam();
    cpep_engine *engine = reinterpret_cast<cpep_engine *>(1);
    EXPECT_EQ(cpep_open(&engine, ":memory:", c.json), CPEP_EINVALID) << c.json;
    EXPECT_EQ(engine, nullptr) << c.json;
    const std::string message = cpep_error_last();
    EXPECT_NE(message, "") << c.json;
    EXPECT_NE(message.find(c.named), std::string::npos) << "options " << c.json << " gave: " << message;
    cpep_close(engine);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, OpenBadOptions,
    ::testing::Values(BadOptions{"NotJson", "not json", ""}, BadOptions{"Truncated", "{\"durability\":", ""},
                      BadOptions{"Array", "[]", ""}, BadOptions{"Number", "42", ""},
                      BadOptions{"String", "\"full\"", ""}, BadOptions{"Null", "null", ""},
                      BadOptions{"UnknownKey", R"({"bogus":1})", "bogus"},
                      BadOptions{"KeyCase", R"({"Durability":"full"})", "Durability"},
                      BadOptions{"BusyTimeoutString", R"({"busyTimeoutMs":"x"})", "busyTimeoutMs"},
                      BadOptions{"BusyTimeoutNegative", R"({"busyTimeoutMs":-1})", "busyTimeoutMs"},
                      BadOptions{"BusyTimeoutFraction", R"({"busyTimeoutMs":1.5})", "busyTimeoutMs"},
                      BadOptions{"BusyTimeoutBool", R"({"busyTimeoutMs":true})", "busyTimeoutMs"},
                      BadOptions{"BusyTimeoutNull", R"({"busyTimeoutMs":null})", "busyTimeoutMs"},
                      BadOptions{"DurabilityFast", R"({"durability":"fast"})", "durability"},
                      BadOptions{"DurabilityUpperCase", R"({"durability":"FULL"})", "durability"},
                      BadOptions{"DurabilityNumber", R"({"durability":1})", "durability"},
                      BadOptions{"NowYesterday", R"({"now":"yesterday"})", "now"},
                      BadOptions{"NowNumber", R"({"now":1604407394})", "now"},
                      BadOptions{"NowMonth13", R"({"now":"2020-13-03T12:43:14Z"})", "now"},
                      BadOptions{"IdSeedNumber", R"({"idSeed":5})", "idSeed"},
                      BadOptions{"IdSeedNull", R"({"idSeed":null})", "idSeed"},
                      BadOptions{"ExtraKeyAfterGoodOne", R"({"durability":"normal","extra":{}})", "extra"}),
    [](const ::testing::TestParamInfo<BadOptions> &info) { return std::string(info.param.label); });

TEST(Open, OptionsWithANulInsideAreCutAtTheNul) {
    // options_json is a C string: whatever follows a NUL is invisible, so this is just "{}".
    const char options[] = "{}\0{\"bogus\":1}";
    cpep_engine *engine = nullptr;
    EXPECT_EQ(cpep_open(&engine, ":memory:", options), CPEP_OK) << cpep_error_last();
    cpep_close(engine);
}

TEST(Open, MissingDirectoryIsIo) {
    TempDir dir;
    cpep_engine *engine = reinterpret_cast<cpep_engine *>(1);
    const std::string path = dir.file("no/such/dir/db.sqlite");
    EXPECT_EQ(cpep_open(&engine, path.c_str(), nullptr), CPEP_EIO);
    EXPECT_EQ(engine, nullptr);
    EXPECT_STRNE(cpep_error_last(), "");
}

}  // namespace
}  // namespace cpep_test
