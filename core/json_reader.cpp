#include "core/json_reader.h"

#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cpep {
namespace {

using json = nlohmann::json;

// Builds the DOM from SAX events, refusing depth beyond the limit and repeated keys.
class StrictDomBuilder {
public:
    enum class Failure { none, syntax, depth, duplicate_key };

    explicit StrictDomBuilder(std::size_t max_depth) : max_depth_(max_depth) {}

    bool null() { return put(nullptr); }
    bool boolean(bool v) { return put(v); }
    bool number_integer(json::number_integer_t v) { return put(v); }
    bool number_unsigned(json::number_unsigned_t v) { return put(v); }
    bool number_float(json::number_float_t v, const json::string_t &) { return put(v); }
    bool string(json::string_t &v) { return put(std::move(v)); }
    bool binary(json::binary_t &) { return fail(Failure::syntax); }
    bool start_object(std::size_t) { return open(json::value_t::object); }
    bool start_array(std::size_t) { return open(json::value_t::array); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(json::string_t &k) {
        json &object = *stack_.back();
        auto [it, inserted] = object.get_ref<json::object_t &>().try_emplace(std::move(k));
        if (!inserted) {
            duplicate_ = it->first;
            return fail(Failure::duplicate_key);
        }
        slot_ = &it->second;
        return true;
    }
    bool parse_error(std::size_t position, const std::string &, const nlohmann::detail::exception &) {
        if (failure_ == Failure::none) {
            failure_ = Failure::syntax;
            error_position_ = position;
        }
        return false;
    }

    Failure failure() const { return failure_; }
    std::size_t error_position() const { return error_position_; }
    const std::string &duplicate_key() const { return duplicate_; }
    json &root() { return root_; }

private:
    bool fail(Failure f) {
        failure_ = f;
        return false;
    }
    json *place(json &&v) {
        if (stack_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        json &top = *stack_.back();
        if (top.is_array()) {
            auto &arr = top.get_ref<json::array_t &>();
            arr.push_back(std::move(v));
            return &arr.back();
        }
        *slot_ = std::move(v);
        return slot_;
    }
    template <class V>
    bool put(V &&v) {
        place(json(std::forward<V>(v)));
        return true;
    }
    bool open(json::value_t type) {
        if (stack_.size() >= max_depth_) return fail(Failure::depth);
        stack_.push_back(place(json(type)));
        return true;
    }
    bool close() {
        stack_.pop_back();
        return true;
    }

    std::size_t max_depth_;
    json root_;
    std::vector<json *> stack_;
    json *slot_ = nullptr;
    Failure failure_ = Failure::none;
    std::size_t error_position_ = 0;
    std::string duplicate_;
};

GraphError invalid_json(std::string message) {
    return errors::bad_request("invalidJson", std::move(message));
}

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The common request body is one flat object whose values are plain strings and literals
// (every create, PATCH and heartbeat body). nlohmann's lexer spends ~10k instructions on such a
// body; this reads it in a few hundred. It accepts only what it fully understands: a key or
// string with a backslash or a control character, a number, a nested value, a repeated key, or
// anything unexpected returns nullopt and the body goes through the strict SAX parser, so every
// error message (and every result for anything else) comes from that parser alone. The caller has
// already refused NUL bytes and invalid UTF-8. Fuzzed against the SAX parser (fuzz_json_reader)
// and tested for equal results in core.JsonReader.*.
std::optional<json> read_flat_object(std::string_view body) {
    const char *p = body.data();
    const char *const end = p + body.size();
    auto skip_space = [&] {
        while (p != end && is_json_space(*p)) ++p;
    };
    // A string without escapes or control characters; on success p is past the closing quote.
    auto plain_string = [&](std::string_view &out) -> bool {
        if (p == end || *p != '"') return false;
        const char *const start = ++p;
        while (p != end) {
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"') {
                out = std::string_view(start, static_cast<std::size_t>(p - start));
                ++p;
                return true;
            }
            if (c == '\\' || c < 0x20) return false;
            ++p;
        }
        return false;
    };
    auto literal = [&](std::string_view word) -> bool {
        if (static_cast<std::size_t>(end - p) < word.size() || std::string_view(p, word.size()) != word) return false;
        p += word.size();
        return true;
    };

    skip_space();
    if (p == end || *p != '{') return std::nullopt;
    ++p;
    json result(json::value_t::object);
    auto &object = result.get_ref<json::object_t &>();
    skip_space();
    if (p != end && *p == '}') {
        ++p;
    } else {
        for (;;) {
            std::string_view key;
            if (!plain_string(key)) return std::nullopt;
            skip_space();
            if (p == end || *p != ':') return std::nullopt;
            ++p;
            skip_space();
            if (p == end) return std::nullopt;
            json value;
            if (*p == '"') {
                std::string_view text;
                if (!plain_string(text)) return std::nullopt;
                value = std::string(text);
            } else if (literal("true")) {
                value = true;
            } else if (literal("false")) {
                value = false;
            } else if (literal("null")) {
                value = nullptr;
            } else {
                return std::nullopt;
            }
            if (!object.try_emplace(std::string(key), std::move(value)).second) return std::nullopt;
            skip_space();
            if (p == end) return std::nullopt;
            if (*p == '}') {
                ++p;
                break;
            }
            if (*p != ',') return std::nullopt;
            ++p;
            skip_space();
        }
    }
    skip_space();
    if (p != end) return std::nullopt;
    return result;
}

}  // namespace

std::size_t find_invalid_utf8(std::string_view s) {
    const auto *p = reinterpret_cast<const unsigned char *>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo = 0xA0;        // no overlong forms
            if (c == 0xED) hi = 0x9F;        // no UTF-16 surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo = 0x90;        // no overlong forms
            if (c == 0xF4) hi = 0x8F;        // nothing above U+10FFFF
        } else {
            return i;
        }
        if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return i;
        for (std::size_t k = 2; k < len; ++k)
            if ((p[i + k] & 0xC0) != 0x80) return i;
        i += len;
    }
    return std::string_view::npos;
}

namespace {

// Step 1's checks that come before any parsing: size (413), emptiness, NUL, UTF-8.
std::optional<GraphError> check_bytes(std::string_view body, const JsonLimits &limits) {
    if (body.size() > limits.max_bytes)
        return errors::payload_too_large("The request body is " + std::to_string(body.size()) +
                                         " bytes; the limit is " + std::to_string(limits.max_bytes) +
                                         " bytes.");
    if (body.empty()) return invalid_json("The request body is empty; a JSON object is expected.");
    if (const void *nul = std::memchr(body.data(), '\0', body.size()))
        return invalid_json("The request body contains a NUL byte at offset " +
                            std::to_string(static_cast<const char *>(nul) - body.data()) + ".");
    if (std::size_t bad = find_invalid_utf8(body); bad != std::string_view::npos)
        return invalid_json("The request body is not valid UTF-8 (offset " + std::to_string(bad) + ").");
    return std::nullopt;
}

Outcome<nlohmann::json> parse_strict(std::string_view body, const JsonLimits &limits) {
    StrictDomBuilder builder(limits.max_depth);
    const bool ok = json::sax_parse(body.begin(), body.end(), &builder, json::input_format_t::json,
                                    /*strict=*/true, /*ignore_comments=*/false);
    if (!ok) {
        switch (builder.failure()) {
        case StrictDomBuilder::Failure::depth:
            return invalid_json("The request body is nested deeper than " +
                                std::to_string(limits.max_depth) + " levels.");
        case StrictDomBuilder::Failure::duplicate_key:
            return invalid_json("The key '" + quote_for_message(builder.duplicate_key()) +
                                "' appears more than once in the same object.");
        default:
            return invalid_json("The request body is not valid JSON (syntax error near byte " +
                                std::to_string(builder.error_position()) + ").");
        }
    }
    return std::move(builder.root());
}

}  // namespace

Outcome<nlohmann::json> read_json_body(std::string_view body, const JsonLimits &limits) {
    if (auto refused = check_bytes(body, limits)) return std::move(*refused);
    if (limits.max_depth >= 1)
        if (auto flat = read_flat_object(body)) return std::move(*flat);
    return parse_strict(body, limits);
}

Outcome<nlohmann::json> read_json_body_strict(std::string_view body, const JsonLimits &limits) {
    if (auto refused = check_bytes(body, limits)) return std::move(*refused);
    return parse_strict(body, limits);
}

}  // namespace cpep
