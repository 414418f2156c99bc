#include "core/page_token.h"

#include <charconv>
#include <vector>

namespace cpep {
namespace {

constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string base64url_encode(std::string_view in) {
    std::string out;
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3) {
        const auto v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
        out += {kB64[(v >> 18) & 63], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], kB64[v & 63]};
    }
    if (i + 1 == in.size()) {
        const auto v = static_cast<unsigned char>(in[i]) << 16;
        out += {kB64[(v >> 18) & 63], kB64[(v >> 12) & 63]};
    } else if (i + 2 == in.size()) {
        const auto v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
        out += {kB64[(v >> 18) & 63], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63]};
    }
    return out;
}

std::optional<std::string> base64url_decode(std::string_view in) {
    if (in.size() % 4 == 1 || in.size() > 4096) return std::nullopt;
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        const char *p = c ? std::char_traits<char>::find(kB64, 64, c) : nullptr;
        if (!p) return std::nullopt;
        buffer = (buffer << 6) | static_cast<unsigned>(p - kB64);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    return out;
}

std::string hex64(std::uint64_t v) {
    char buf[17];
    auto [p, ec] = std::to_chars(buf, buf + 16, v, 16);
    return std::string(buf, p);
}

template <class T>
std::optional<T> parse_number(std::string_view s, int base = 10) {
    T v{};
    if (s.empty()) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

std::uint64_t pad(const SipKey &key, std::string_view scope, std::string_view last_id) {
    const SipKey pad_key{key.k0 ^ 0x9e3779b97f4a7c15ULL, key.k1 ^ 0xc2b2ae3d27d4eb4fULL};
    std::string material(scope);
    material.push_back('\n');
    material.append(last_id);
    return siphash24(pad_key, material);
}

std::uint64_t seal(const SipKey &key, std::string_view scope, std::string_view payload) {
    std::string material(scope);
    material.push_back('\n');
    material.append(payload);
    return siphash24(key, material);
}

}  // namespace

std::string seal_page_token(const PageToken &t, std::string_view scope, const SipKey &key) {
    const std::uint64_t masked = static_cast<std::uint64_t>(t.last_seq) ^ pad(key, scope, t.last_id);
    std::string payload = "1.";
    payload += t.kind;
    payload += '.' + t.last_id + '.' + hex64(masked) + '.' + std::to_string(t.remaining) + '.' + t.a + '.' + t.b +
               '.' + hex64(t.select_mask) + '.' + (t.explicit_select ? '1' : '0') + '.' + (t.count ? '1' : '0');
    payload += '.' + hex64(seal(key, scope, payload));
    return base64url_encode(payload);
}

std::optional<PageToken> open_page_token(std::string_view token, std::string_view scope, const SipKey &key) {
    auto decoded = base64url_decode(token);
    if (!decoded) return std::nullopt;
    std::vector<std::string_view> f;
    std::string_view rest = *decoded;
    while (true) {
        const std::size_t dot = rest.find('.');
        f.push_back(rest.substr(0, dot));
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }
    if (f.size() != 11 || f[0] != "1" || f[1].size() != 1) return std::nullopt;
    const std::string_view payload = std::string_view(*decoded).substr(0, decoded->size() - f[10].size() - 1);
    // Compared as text: a numeric parse would accept other spellings (A-F) of the same seal.
    if (f[10] != hex64(seal(key, scope, payload))) return std::nullopt;
    PageToken t;
    t.kind = f[1][0];
    t.last_id = std::string(f[2]);
    auto masked = parse_number<std::uint64_t>(f[3], 16);
    auto remaining = parse_number<std::int64_t>(f[4]);
    auto mask = parse_number<std::uint32_t>(f[7], 16);
    if (!masked || !remaining || !mask) return std::nullopt;
    t.last_seq = static_cast<std::int64_t>(*masked ^ pad(key, scope, t.last_id));
    t.remaining = *remaining;
    t.a = std::string(f[5]);
    t.b = std::string(f[6]);
    t.select_mask = *mask;
    t.explicit_select = f[8] == "1";
    t.count = f[9] == "1";
    return t;
}

}  // namespace cpep
