#include "core/graph_json.h"

namespace cpep {

void append_json_string(std::string &out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t run = 0;  // start of the current run of characters that need no escaping
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
            out.append("\\u00");
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0xF]);
        }
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}

void append_partner_members(std::string &out, const ExternalPartner &p, const PartnerStatus &status) {
    out.append("\"@odata.type\":\"#microsoft.graph.cloudPcExternalPartner\",\"id\":\"");
    out.append(p.id);  // canonical UUIDs need no escaping
    out.append("\",\"partnerId\":\"");
    out.append(p.partner_id);
    out.append(p.enable_connection ? "\",\"enableConnection\":true" : "\",\"enableConnection\":false");
    out.append(",\"lastSyncDateTime\":");
    if (status.last_sync) {
        out.push_back('"');
        append_iso8601(out, *status.last_sync);
        out.push_back('"');
    } else {
        out.append("null");
    }
    out.append(",\"connectionStatus\":\"");
    out.append(to_string(status.connection_status));
    out.append("\",\"statusDetails\":");
    append_json_string(out, status.status_details);
    out.append(",\"agentSetting\":null");
}

std::string render_partner(const ExternalPartner &p, const PartnerStatus &status) {
    std::string out;
    out.reserve(512);
    out.append("{\"@odata.context\":\"");
    out.append(kEntityContext);
    out.append("\",");
    append_partner_members(out, p, status);
    out.push_back('}');
    return out;
}

std::string render_error(const GraphError &e, const ErrorContext &ctx) {
    std::string out;
    out.reserve(256 + e.message.size());
    out.append("{\"error\":{\"code\":");
    append_json_string(out, e.code);
    out.append(",\"message\":");
    append_json_string(out, e.message);
    out.append(",\"innerError\":{");
    if (!e.inner_code.empty()) {
        out.append("\"code\":");
        append_json_string(out, e.inner_code);
        out.push_back(',');
    }
    out.append("\"date\":");
    append_json_string(out, ctx.date);
    out.append(",\"request-id\":");
    append_json_string(out, ctx.request_id);
    if (!ctx.client_request_id.empty()) {
        out.append(",\"client-request-id\":");
        append_json_string(out, ctx.client_request_id);
    }
    out.append("}}}");
    return out;
}

}  // namespace cpep
