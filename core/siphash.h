#pragma once
// SipHash-2-4 (Aumasson & Bernstein): a keyed 64-bit hash, used to seal page tokens so that they
// can be neither forged nor used by another tenant.
#include <cstdint>
#include <string_view>

namespace cpep {

struct SipKey {
    std::uint64_t k0 = 0, k1 = 0;
};

std::uint64_t siphash24(const SipKey &key, std::string_view data);

}  // namespace cpep
