#include "core/json_reader.h"

#include <cstring>
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

Outcome<nlohmann::json> read_json_body(std::string_view body, const JsonLimits &limits) {
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

}  // namespace cpep
