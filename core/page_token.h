#pragma once
// The $skiptoken of an @odata.nextLink: a keyset position (the last row returned), the rest of
// the query, and a SipHash seal over the token and the scope it was issued for (tenant, and the
// entity for function results). The row position travels masked by a pad derived from the key
// and the last id, so a token reveals neither row numbers nor anything about other tenants; a
// token altered, forged, or presented by another tenant or for another entity does not open.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/siphash.h"

namespace cpep {

struct PageToken {
    char kind = 'p';             // 'p': externalPartners list, 'r': deploy action results
    std::int64_t last_seq = 0;   // keyset: continue after this row
    std::string last_id;         // the id (or activity/cloudPc pair) of that row, pads the position
    std::int64_t remaining = -1; // rows still allowed by $top, -1 = no cap
    std::string a, b;            // the filter: 'p' enableConnection ("", "true", "false") and partnerId; 'r' activityId and cloudPcId
    std::uint32_t select_mask = 0;
    bool explicit_select = false;
    bool count = false;
};

std::string seal_page_token(const PageToken &t, std::string_view scope, const SipKey &key);
std::optional<PageToken> open_page_token(std::string_view token, std::string_view scope, const SipKey &key);

}  // namespace cpep
