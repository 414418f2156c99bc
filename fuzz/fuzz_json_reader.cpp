// Input: a request body. Differential oracle: read_json_body (which reads flat objects of plain
// strings and literals with its own shortcut) and read_json_body_strict (always nlohmann's SAX
// parser under the strict DOM builder) must give the same document, or the same error, status
// and message, for every input. Any difference is a finding.
#include "core/json_reader.h"
#include "fuzz/fuzz_support.h"

using namespace cpep_fuzz;

namespace {

[[noreturn]] void differ(std::string_view body, const std::string &fast, const std::string &strict) {
    fail("read_json_body and read_json_body_strict disagree", "-", "-", "-", body, -1,
         "shortcut: " + fast + "\nstrict:   " + strict);
}

std::string describe(const cpep::Outcome<nlohmann::json> &r) {
    if (r.ok()) return "value " + r.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return "error " + std::to_string(r.error().status) + " " + r.error().inner_code + ": " + r.error().message;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const std::string_view body = as_view(data, size);
    const auto fast = cpep::read_json_body(body);
    const auto strict = cpep::read_json_body_strict(body);
    const bool same = fast.ok() == strict.ok() &&
                      (fast.ok() ? fast.value() == strict.value()
                                 : fast.error().status == strict.error().status &&
                                       fast.error().inner_code == strict.error().inner_code &&
                                       fast.error().message == strict.error().message);
    if (!same) differ(body, describe(fast), describe(strict));
    if (selftest() && fast.ok()) fail("self-test: every parsed body is a finding", "-", "-", "-", body, 200, describe(fast));
    return 0;
}
