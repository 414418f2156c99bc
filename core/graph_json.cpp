#include "core/graph_json.h"

#include "core/json_reader.h"

namespace cpep {

void append_json_string(std::string &out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t run = 0;  // start of the current run of bytes that are copied as they are
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // Text quoted from a request (a path segment, a header) may not be UTF-8: replace each
            // invalid sequence with U+FFFD so that the body is always valid JSON.
            const std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            const bool valid = i + len <= s.size() && find_invalid_utf8(s.substr(i, len)) == std::string_view::npos;
            if (!valid) {
                out.append(s.data() + run, i - run);
                out.append("\xEF\xBF\xBD");
                run = ++i;
            } else {
                i += len;
            }
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        out.append(s.data() + run, i - run);
        run = ++i;
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

namespace {
void append_instant_or_null(std::string &out, const std::optional<Instant> &t) {
    if (!t) {
        out.append("null");
        return;
    }
    out.push_back('"');
    append_iso8601(out, *t);
    out.push_back('"');
}
void append_string_or_null(std::string &out, const std::optional<std::string> &s) {
    if (s)
        append_json_string(out, *s);
    else
        out.append("null");
}
}  // namespace

// The entity's members without the enclosing braces, so that a single-entity response can put
// its @odata.context in front of them.
void append_partner_members(std::string &out, const ExternalPartner &p, const PartnerStatus &status,
                            std::uint32_t mask) {
    out.append("\"@odata.type\":\"#microsoft.graph.cloudPcExternalPartner\",\"id\":\"");
    out.append(p.id);  // canonical UUIDs need no escaping
    out.push_back('"');
    if (mask & 2) {
        out.append(",\"partnerId\":\"");
        out.append(p.partner_id);
        out.push_back('"');
    }
    if (mask & 4) out.append(p.enable_connection ? ",\"enableConnection\":true" : ",\"enableConnection\":false");
    if (mask & 8) {
        out.append(",\"lastSyncDateTime\":");
        append_instant_or_null(out, status.last_sync);
    }
    if (mask & 16) {
        out.append(",\"connectionStatus\":\"");
        out.append(to_string(status.connection_status));
        out.push_back('"');
    }
    if (mask & 32) {
        out.append(",\"statusDetails\":");
        append_json_string(out, status.status_details);
    }
    if (mask & 64) {
        out.append(",\"agentSetting\":");
        append_agent_setting(out, p.agent_setting);
    }
}

void append_partner(std::string &out, const ExternalPartner &p, const PartnerStatus &status,
                    std::uint32_t mask) {
    out.push_back('{');
    append_partner_members(out, p, status, mask);
    out.push_back('}');
}

std::string render_partner(const ExternalPartner &p, const PartnerStatus &status, std::uint32_t mask,
                           std::string_view context_suffix) {
    std::string out;
    out.reserve(512);
    out.append("{\"@odata.context\":\"");
    out.append(kCollectionContext);
    out.append(context_suffix);
    out.append("/$entity\",");
    append_partner_members(out, p, status, mask);
    out.push_back('}');
    return out;
}

void append_agent_setting(std::string &out, const std::optional<AgentSetting> &s) {
    if (!s) {
        out.append("null");
        return;
    }
    out.append("{\"agentSha256\":");
    append_json_string(out, s->agent_sha256);
    out.append(",\"agentUrl\":");
    append_json_string(out, s->agent_url);
    out.append(s->auto_deployment_enabled ? ",\"autoDeploymentEnabled\":true" : ",\"autoDeploymentEnabled\":false");
    out.append(",\"installParameters\":[");
    for (std::size_t i = 0; i < s->install_parameters.size(); ++i) {
        if (i) out.push_back(',');
        append_json_string(out, s->install_parameters[i]);
    }
    out.append("]}");
}

void append_action_result(std::string &out, const ActionResult &r, const ActionProgress &progress) {
    out.append("{\"activityId\":");
    append_json_string(out, r.activity_id);
    out.append(",\"cloudPcId\":");
    append_json_string(out, r.cloud_pc_id);
    out.append(",\"errorCode\":\"none\",\"errorMessage\":\"\",\"lastModifiedDateTime\":");
    append_instant_or_null(out, progress.last_modified);
    out.append(",\"startDateTime\":");
    append_instant_or_null(out, r.started_at);
    out.append(",\"state\":\"");
    out.append(to_string(progress.state));
    out.append("\"}");
}

void append_action_report(std::string &out, const ActionReport &r) {
    out.append("{\"actionType\":\"");
    out.append(to_string(r.action_type));
    out.append("\",\"activityId\":");
    append_string_or_null(out, r.activity_id);
    out.append(",\"activityMessage\":null,\"agentName\":null,\"agentSetting\":");
    append_agent_setting(out, r.agent_setting);
    out.append(",\"authenticatedAppId\":");
    append_json_string(out, r.authenticated_app_id);
    out.append(",\"authenticatedAppName\":null,\"authenticatedMethod\":\"");
    out.append(to_string(r.authenticated_method));
    out.append("\",\"authenticatedUserPrincipalName\":");
    append_string_or_null(out, r.authenticated_user_principal_name);
    out.append(",\"cloudPcId\":");
    append_json_string(out, r.cloud_pc_id);
    out.append(",\"cloudPcName\":null,\"createdDateTime\":");
    append_instant_or_null(out, r.created_at);
    out.push_back('}');
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
