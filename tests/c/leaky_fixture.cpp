// A library that leaks on purpose, to prove check_exports.cmake notices: it exports the eight API
// names (so nothing is "missing") plus a C symbol, a C++ function and a GNU-unique template static.
#include <string>

#define FIXTURE_EXPORT extern "C" __attribute__((visibility("default")))

FIXTURE_EXPORT int cpep_abi_version(void) { return 1; }
FIXTURE_EXPORT const char *cpep_version(void) { return "0"; }
FIXTURE_EXPORT const char *cpep_error_last(void) { return ""; }
FIXTURE_EXPORT int cpep_open(void **, const char *, const char *) { return 0; }
FIXTURE_EXPORT void cpep_close(void *) {}
FIXTURE_EXPORT int cpep_create_external_partner(void *, void *, const char *, const char *, unsigned long) {
    return 0;
}
FIXTURE_EXPORT int cpep_request(void *, void *, const char *, const char *, const char *, const char *,
                                unsigned long) {
    return 0;
}
FIXTURE_EXPORT void cpep_buf_dispose(void *) {}

extern "C" {
__attribute__((visibility("default"))) int leaky_c_symbol = 1;
}

namespace leaky {
__attribute__((visibility("default"))) std::string cxx_function() { return "leak"; }

template <typename T>
struct __attribute__((visibility("default"))) Holder {
    static inline T value{};
};
__attribute__((visibility("default"))) int *unique_static() { return &Holder<int>::value; }
}  // namespace leaky
