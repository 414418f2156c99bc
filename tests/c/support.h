#pragma once
// Shared helpers of the C ABI tests: an owning buffer, an owning engine, a temporary directory,
// and the JSON shapes of CONTRACT §1 and §4.
#include <cstddef>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cpep.h"

namespace cpep_test {

inline constexpr std::string_view kNow = "2020-11-03T12:43:14Z";
inline constexpr std::string_view kTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
inline constexpr std::string_view kPartners = "/deviceManagement/virtualEndpoint/externalPartners";
inline constexpr std::string_view kGraphPrefix = "https://graph.microsoft.com/beta";
inline constexpr std::string_view kODataType = "#microsoft.graph.cloudPcExternalPartner";
inline constexpr std::string_view kEntityContext =
    "https://graph.microsoft.com/beta/$metadata#deviceManagement/virtualEndpoint/externalPartners/$entity";

// An application caller of kTenant allowed to create.
std::string app_writer();

// {"@odata.type": ..., "partnerId": partner_id, "enableConnection": enable}
std::string partner_body(std::string_view partner_id, bool enable = true);

// A distinct, valid GUID for (a, b): "00000000-aaaa-4000-8000-bbbbbbbbbbbb".
std::string numbered_guid(unsigned a, unsigned b);

bool is_lowercase_uuid(std::string_view text);

// Owns a cpep_buf for the duration of a test.
struct Buf {
    cpep_buf b = CPEP_BUF_INIT;
    Buf() = default;
    Buf(const Buf &) = delete;
    Buf &operator=(const Buf &) = delete;
    ~Buf() { cpep_buf_dispose(&b); }
    cpep_buf *p() { return &b; }
    std::string str() const { return b.ptr ? std::string(b.ptr, b.size) : std::string(); }
    nlohmann::json json() const;
};

// Owns an engine; opening failures fail the test through ASSERT in the caller.
class Engine {
public:
    Engine() = default;
    Engine(const Engine &) = delete;
    Engine &operator=(const Engine &) = delete;
    ~Engine() { close(); }

    // Returns cpep_open's code; on success get() is the engine.
    int open(const std::string &path, const std::string &options = "");
    void close();
    cpep_engine *get() const { return engine_; }

    // A create through cpep_create_external_partner with app_writer().
    int create(Buf &out, std::string_view body);
    int request(Buf &out, const char *method, const std::string &url, const char *caller,
                std::string_view body);

private:
    cpep_engine *engine_ = nullptr;
};

// A fresh directory under $TMPDIR (or /tmp), removed with its contents at the end of the test.
class TempDir {
public:
    TempDir();
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    ~TempDir();
    const std::string &path() const { return path_; }
    std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

private:
    std::string path_;
};

// Checks the Graph error body of CONTRACT §4 and returns error.code (empty on a shape failure,
// which has already been reported).
std::string expect_graph_error(const Buf &out, int status, int expected_status,
                               std::string_view expected_code);

// Checks the created entity of CONTRACT §1/§3 for the given request.
void expect_created_entity(const nlohmann::json &entity, std::string_view partner_id_lowercase,
                           bool enable);

// SELECT count(*) FROM external_partner, on a read-only connection.
long long count_partner_rows(const std::string &db_path);

}  // namespace cpep_test
