#include "core/odata_query.h"

#include <charconv>

#include "core/guid.h"
#include "core/json_reader.h"

namespace cpep {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
            if (hi < 0 || lo < 0) return std::nullopt;
            out.push_back(static_cast<char>(hi * 16 + lo));
            i += 2;
        } else if (s[i] == '+') {
            out.push_back(' ');
        } else {
            out.push_back(s[i]);
        }
    }
    if (out.find('\0') != std::string::npos || find_invalid_utf8(out) != std::string_view::npos) return std::nullopt;
    return out;
}

std::optional<std::int64_t> parse_int(std::string_view s) {
    std::int64_t v = 0;
    if (s.empty() || s.size() > 18) return std::nullopt;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

// Tokens of a $filter expression: words, and '...' literals (with '' as an escaped quote).
std::optional<std::vector<std::string>> tokenize(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < s.size()) {
        if (s[i] == ' ' || s[i] == '\t') {
            ++i;
            continue;
        }
        std::string tok;
        if (s[i] == '\'') {
            tok.push_back('\'');
            ++i;
            bool closed = false;
            while (i < s.size()) {
                if (s[i] == '\'') {
                    if (i + 1 < s.size() && s[i + 1] == '\'') {
                        tok.push_back('\'');
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                tok.push_back(s[i++]);
            }
            if (!closed) return std::nullopt;
            tok.push_back('\'');
        } else {
            while (i < s.size() && s[i] != ' ' && s[i] != '\t') tok.push_back(s[i++]);
        }
        out.push_back(std::move(tok));
    }
    return out;
}

Outcome<PartnerFilter> parse_filter(std::string_view text) {
    const std::string kGrammar =
        " Supported: \"enableConnection eq true|false\" and \"partnerId eq '<guid>'\", joined by \"and\".";
    auto tokens = tokenize(text);
    if (!tokens) return invalid_query("The $filter has an unterminated string literal." + kGrammar);
    const auto &t = *tokens;
    if (t.empty()) return invalid_query("The $filter is empty." + kGrammar);
    PartnerFilter f;
    for (std::size_t i = 0;; i += 4) {
        if (i + 3 > t.size()) return invalid_query("The $filter '" + quote_for_message(text) + "' is incomplete." + kGrammar);
        const std::string &prop = t[i], &op = t[i + 1], &lit = t[i + 2];
        if (op != "eq")
            return invalid_query("The $filter operator '" + quote_for_message(op) + "' is not supported; only 'eq' is." + kGrammar);
        if (prop == "enableConnection") {
            if (lit != "true" && lit != "false")
                return invalid_query("enableConnection can only be compared with true or false." + kGrammar);
            const bool v = lit == "true";
            if (f.enable_connection && *f.enable_connection != v) f.match_nothing = true;
            f.enable_connection = v;
        } else if (prop == "partnerId") {
            std::optional<std::string> id;
            if (lit.size() >= 2 && lit.front() == '\'') id = canonical_guid(std::string_view(lit).substr(1, lit.size() - 2));
            if (!id) return invalid_query("partnerId can only be compared with a quoted GUID, e.g. partnerId eq '198d7140-80bb-4843-8cc4-811377a49a92'.");
            if (f.partner_id && *f.partner_id != *id) f.match_nothing = true;
            f.partner_id = std::move(*id);
        } else {
            return invalid_query("Filtering on '" + quote_for_message(prop) + "' is not supported." + kGrammar);
        }
        if (i + 3 == t.size()) break;
        if (t[i + 3] != "and") return invalid_query("Filter clauses can only be joined by 'and'." + kGrammar);
    }
    return f;
}

Outcome<Select> parse_select(std::string_view text) {
    Select s;
    s.mask = 0;
    s.explicit_select = true;
    std::size_t start = 0;
    while (true) {
        std::size_t comma = text.find(',', start);
        std::string_view name = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        if (name == "*") {
            s.mask = kSelectAll;
            s.explicit_select = false;
        } else {
            bool known = false;
            for (std::size_t i = 0; i < std::size(kSelectable); ++i)
                if (kSelectable[i] == name) {
                    s.mask |= 1u << i;
                    known = true;
                }
            if (!known)
                return invalid_query(name.empty() ? std::string("The $select list has an empty entry.")
                                                  : "Could not find a property named '" + quote_for_message(name) +
                                                        "' on type 'microsoft.graph.cloudPcExternalPartner'.");
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (s.mask == kSelectAll) s.explicit_select = false;
    return s;
}

}  // namespace

GraphError invalid_query(std::string message) { return errors::bad_request("invalidQueryOption", std::move(message)); }

Outcome<std::vector<QueryParam>> parse_query_string(std::string_view raw) {
    std::vector<QueryParam> out;
    while (!raw.empty()) {
        const std::size_t amp = raw.find('&');
        std::string_view part = raw.substr(0, amp);
        raw = amp == std::string_view::npos ? std::string_view() : raw.substr(amp + 1);
        if (part.empty()) continue;
        const std::size_t eq = part.find('=');
        auto name = percent_decode(part.substr(0, eq));
        auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1));
        if (!name || !value) return invalid_query("The query string has a malformed percent-escape or is not UTF-8.");
        if (eq == std::string_view::npos)
            return invalid_query("The query option '" + quote_for_message(*name) + "' has no value.");
        for (const auto &p : out)
            if (p.name == *name) return invalid_query("The query option '" + quote_for_message(*name) + "' is given more than once.");
        out.push_back({std::move(*name), std::move(*value)});
    }
    return out;
}

Outcome<ListOptions> parse_list_options(const std::vector<QueryParam> &params) {
    ListOptions o;
    for (const auto &p : params) {
        if (p.name == "$filter") {
            auto f = parse_filter(p.value);
            if (!f) return f.error();
            o.filter = std::move(f).value();
        } else if (p.name == "$select") {
            auto s = parse_select(p.value);
            if (!s) return s.error();
            o.select = s.value();
        } else if (p.name == "$top") {
            auto v = parse_int(p.value);
            if (!v || *v < 1 || *v > 999) return invalid_query("$top must be an integer from 1 to 999.");
            o.top = *v;
        } else if (p.name == "$skip") {
            auto v = parse_int(p.value);
            if (!v || *v < 0) return invalid_query("$skip must be a non-negative integer.");
            o.skip = *v;
        } else if (p.name == "$count") {
            if (p.value != "true" && p.value != "false") return invalid_query("$count must be true or false.");
            o.count = p.value == "true";
        } else if (p.name == "$skiptoken") {
            o.skiptoken = p.value;
        } else {
            return invalid_query("The query option '" + quote_for_message(p.name) +
                                 "' is not supported here; supported: $filter, $select, $top, $skip, $count.");
        }
    }
    if (o.skiptoken && params.size() != 1)
        return invalid_query("$skiptoken carries the whole query of an @odata.nextLink; send the link as it is, without other options.");
    return o;
}

Outcome<Select> parse_get_options(const std::vector<QueryParam> &params) {
    Select s;
    for (const auto &p : params) {
        if (p.name != "$select")
            return invalid_query("The query option '" + quote_for_message(p.name) +
                                 "' is not supported when reading one external partner; supported: $select.");
        auto parsed = parse_select(p.value);
        if (!parsed) return parsed.error();
        s = parsed.value();
    }
    return s;
}

std::string select_context_suffix(const Select &s) {
    if (!s.explicit_select) return {};
    std::string out = "(";
    for (std::size_t i = 0; i < std::size(kSelectable); ++i) {
        if (!(s.mask & (1u << i))) continue;
        if (out.size() > 1) out.push_back(',');
        out.append(kSelectable[i]);
    }
    out.push_back(')');
    return out;
}

}  // namespace cpep
