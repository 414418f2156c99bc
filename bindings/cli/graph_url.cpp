#include "graph_url.h"

namespace cpep::cli {
namespace {

constexpr std::string_view kServiceRoot = "https://graph.microsoft.com/beta";

bool is_unreserved(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (is_unreserved(c)) {
            out += c;
        } else {
            const auto byte = static_cast<unsigned char>(c);
            out += '%';
            out += kHex[byte >> 4];
            out += kHex[byte & 0x0f];
        }
    }
    return out;
}

std::string entity_path(std::string_view id) {
    return std::string(kCollectionPath) + "/" + percent_encode(id);
}

void QueryString::add(std::string_view name, std::string_view value) {
    text_ += text_.empty() ? "?" : "&";
    text_ += name;
    text_ += '=';
    text_ += percent_encode(value);
}

bool is_heartbeat_target(std::string_view target) {
    if (target.size() >= kServiceRoot.size() && iequals(target.substr(0, kServiceRoot.size()), kServiceRoot)) {
        target.remove_prefix(kServiceRoot.size());
    }
    target = target.substr(0, target.find('?'));
    if (target.size() > 1 && target.back() == '/') {
        target.remove_suffix(1);
    }
    return iequals(target, kHeartbeatPath);
}

}  // namespace cpep::cli
