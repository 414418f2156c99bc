#pragma once
// OData system query options of the resource (CONTRACT §5): $filter, $select, $top, $skip,
// $count, and $skiptoken (the sealed keyset token of an @odata.nextLink), plus parameter
// aliases (@name=value) for function calls. Anything else is 400 invalidQueryOption.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/graph_error.h"
#include "core/ports.h"

namespace cpep {

struct QueryParam {
    std::string name;   // percent-decoded
    std::string value;  // percent-decoded; '+' is a space
};

// Splits and decodes a raw query string. A malformed escape, invalid UTF-8 or a repeated
// option is 400 invalidQueryOption.
Outcome<std::vector<QueryParam>> parse_query_string(std::string_view raw);

// The entity's properties in the order responses list them; bit i of a select mask is kSelectable[i].
inline constexpr std::string_view kSelectable[] = {"id",           "partnerId",        "enableConnection",
                                                   "lastSyncDateTime", "connectionStatus", "statusDetails",
                                                   "agentSetting"};
inline constexpr std::uint32_t kSelectAll = (1u << std::size(kSelectable)) - 1;

struct Select {
    std::uint32_t mask = kSelectAll;  // properties to emit (id is emitted whatever the mask)
    bool explicit_select = false;     // a $select was given: the context names the properties
};

struct ListOptions {
    PartnerFilter filter;
    Select select;
    std::optional<std::int64_t> top;  // 1-999: caps the total across pages
    std::int64_t skip = 0;
    bool count = false;
    std::optional<std::string> skiptoken;
};

Outcome<ListOptions> parse_list_options(const std::vector<QueryParam> &params);
// GET of one entity: only $select.
Outcome<Select> parse_get_options(const std::vector<QueryParam> &params);
// "(id,partnerId)" for an explicit $select, "" otherwise: the suffix of @odata.context.
std::string select_context_suffix(const Select &s);

GraphError invalid_query(std::string message);

}  // namespace cpep
