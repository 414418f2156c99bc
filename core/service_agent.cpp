// The agent routes: configureAgent, deployAgent, retrieveDeployAgentActionResults and
// retrieveActionReports.
#include "core/graph_json.h"
#include "core/guid.h"
#include "core/odata_query.h"
#include "core/page_token.h"
#include "core/service.h"

namespace cpep {
namespace {

constexpr std::string_view kResultsContext =
    "https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.cloudPcExternalPartnerActionResult)";
constexpr std::string_view kReportsContext =
    "https://graph.microsoft.com/beta/$metadata#Collection(microsoft.graph.cloudPcExternalPartnerActionReport)";

struct FunctionArgs {
    std::string activity_id;
    std::string cloud_pc_id;
};

// A quoted OData string literal: 'text' with '' standing for a quote.
std::optional<std::string> unquote(std::string_view s) {
    if (s.size() < 2 || s.front() != '\'' || s.back() != '\'') return std::nullopt;
    std::string out;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
        if (s[i] == '\'') {
            if (i + 2 >= s.size() || s[i + 1] != '\'') return std::nullopt;
            ++i;
        }
        out.push_back(s[i]);
    }
    return out;
}

// activityId='…',cloudPcId='…' — either may be absent or empty, or an alias (activityId=@a, with
// @a='…' in the query string; the quoted form '@a' that Kiota's SDKs send is accepted too).
Outcome<FunctionArgs> parse_function_args(std::string_view text, const std::vector<QueryParam> &params) {
    FunctionArgs args;
    bool seen_activity = false, seen_pc = false;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t eq = text.find('=', i);
        if (eq == std::string_view::npos) return invalid_query("The function parameters are malformed; expected activityId='…',cloudPcId='…'.");
        std::string_view name = text.substr(i, eq - i);
        std::size_t end = eq + 1;
        if (end < text.size() && text[end] == '\'') {
            ++end;
            while (end < text.size()) {
                if (text[end] == '\'') {
                    if (end + 1 < text.size() && text[end + 1] == '\'') {
                        end += 2;
                        continue;
                    }
                    ++end;
                    break;
                }
                ++end;
            }
        } else {
            end = text.find(',', end);
            if (end == std::string_view::npos) end = text.size();
        }
        std::string_view raw = text.substr(eq + 1, end - eq - 1);
        std::optional<std::string> value;
        std::string alias;
        if (raw.starts_with('@')) alias = std::string(raw);
        else if (auto q = unquote(raw)) {
            if (q->starts_with('@')) {
                for (const auto &p : params)
                    if (p.name == *q) alias = *q;
            }
            if (alias.empty()) value = std::move(*q);
        }
        if (!alias.empty()) {
            for (const auto &p : params)
                if (p.name == alias) value = unquote(p.value).value_or(p.value);
            if (!value) return invalid_query("The parameter alias '" + quote_for_message(alias) + "' has no value in the query string.");
        }
        if (!value) return invalid_query("The value of function parameter '" + quote_for_message(name) + "' must be a quoted string.");
        if (name == "activityId" && !seen_activity) {
            seen_activity = true;
            args.activity_id = std::move(*value);
        } else if (name == "cloudPcId" && !seen_pc) {
            seen_pc = true;
            args.cloud_pc_id = std::move(*value);
        } else {
            return invalid_query("retrieveDeployAgentActionResults takes the parameters activityId and cloudPcId, each once; got '" +
                                 quote_for_message(name) + "'.");
        }
        i = end;
        if (i < text.size()) {
            if (text[i] != ',') return invalid_query("The function parameters are malformed; expected activityId='…',cloudPcId='…'.");
            ++i;
        }
    }
    return args;
}

// A function parameter that is not a GUID matches nothing; a GUID matches case-insensitively.
std::optional<std::string> filter_value(const std::string &v) {
    if (v.empty()) return std::string();
    return canonical_guid(v);
}

}  // namespace

Outcome<Response> ExternalPartnerService::configure_agent(const Caller &caller, const std::string &id,
                                                          std::string_view query, std::string_view body) {
    if (!query.empty()) return invalid_query("Query options are not supported by configureAgent.");
    auto parsed = read_body(body);
    if (!parsed) return parsed.error();
    auto setting = validate_configure_agent_body(parsed.value());
    if (!setting) return setting.error();

    std::lock_guard guard(write_mutex_);
    auto found = find_partner(caller, id);
    if (!found) return found.error();
    const ActionReport report = configure_agent_report(caller, setting.value(), clock_.now());
    if (!repository_.save_agent_setting(found.value().seq, setting.value(), report))
        return partner_not_found(id);
    return Response{204, {}};
}

Outcome<Response> ExternalPartnerService::deploy_agent(const Caller &caller, const std::string &id,
                                                       std::string_view query, std::string_view body) {
    if (!query.empty()) return invalid_query("Query options are not supported by deployAgent.");
    auto parsed = read_body(body);
    if (!parsed) return parsed.error();
    auto cloud_pcs = validate_deploy_agent_body(parsed.value());
    if (!cloud_pcs) return cloud_pcs.error();

    std::lock_guard guard(write_mutex_);
    auto found = find_partner(caller, id);
    if (!found) return found.error();
    const ExternalPartner &p = found.value().partner;
    if (!p.enable_connection)
        return errors::conflict("connectionDisabled",
                                "The connection of this external partner is disabled; enable it before deploying the agent.");
    if (!p.agent_setting)
        return errors::conflict("agentNotConfigured",
                                "No agent is configured for this external partner; call configureAgent first.");
    const Instant now = clock_.now();
    GeneratedId activity = ids_.next_activity_id();
    std::vector<ActionResult> results;
    for (const auto &pc : cloud_pcs.value()) results.push_back({activity.value, pc, now});
    const auto reports = deploy_agent_reports(caller, activity.value, cloud_pcs.value(), now);
    if (!repository_.record_deployment(found.value().seq, results, reports, activity.sequence))
        return partner_not_found(id);
    std::string out = "{\"@odata.context\":\"https://graph.microsoft.com/beta/$metadata#Edm.String\",\"value\":\"";
    out.append(activity.value);
    out.append("\"}");
    return Response{200, std::move(out)};
}

Outcome<Response> ExternalPartnerService::retrieve_results(const Caller &caller, const RouteMatch &route) {
    auto params = parse_query_string(route.query);
    if (!params) return params.error();
    std::optional<std::string> skiptoken;
    for (const auto &p : params.value()) {
        if (p.name == "$skiptoken") skiptoken = p.value;
        else if (!p.name.starts_with('@'))
            return invalid_query("The query option '" + quote_for_message(p.name) +
                                 "' is not supported by retrieveDeployAgentActionResults; supported: parameter aliases and $skiptoken.");
    }
    auto args = parse_function_args(route.function_args, params.value());
    if (!args) return args.error();
    auto found = find_partner(caller, route.id);
    if (!found) return found.error();
    const StoredPartner &stored = found.value();

    auto activity = filter_value(args.value().activity_id);
    auto pc = filter_value(args.value().cloud_pc_id);
    const std::string scope = caller.tenant_id + "/" + stored.partner.id;
    std::int64_t after = 0;
    if (skiptoken) {
        auto token = open_page_token(*skiptoken, scope, settings_.token_key);
        if (!token || token->kind != 'r' || !activity || !pc || token->a != *activity || token->b != *pc)
            return invalid_query("The $skiptoken is not valid here: send the @odata.nextLink exactly as it was returned.");
        after = token->last_seq;
    }
    std::vector<StoredActionResult> rows;
    const std::int64_t limit = settings_.page_size;
    if (activity && pc) rows = repository_.action_results(stored.seq, {*activity, *pc}, after, limit + 1);
    const bool more = static_cast<std::int64_t>(rows.size()) > limit;
    if (more) rows.resize(static_cast<std::size_t>(limit));

    const Instant now = clock_.now();
    std::string out = "{\"@odata.context\":\"";
    out.append(kResultsContext);
    out.append("\",\"value\":[");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i) out.push_back(',');
        append_action_result(out, rows[i].result, action_progress(rows[i].result, now, settings_.actions));
    }
    out.push_back(']');
    if (more) {
        PageToken t;
        t.kind = 'r';
        t.last_seq = rows.back().seq;
        t.last_id = rows.back().result.activity_id + "/" + rows.back().result.cloud_pc_id;
        t.a = *activity;
        t.b = *pc;
        out.append(",\"@odata.nextLink\":\"https://graph.microsoft.com/beta/deviceManagement/virtualEndpoint/externalPartners/");
        out.append(stored.partner.id);
        out.append("/retrieveDeployAgentActionResults(activityId='");
        out.append(*activity);
        out.append("',cloudPcId='");
        out.append(*pc);
        out.append("')?$skiptoken=");
        out.append(seal_page_token(t, scope, settings_.token_key));
        out.push_back('"');
    }
    out.push_back('}');
    return Response{200, std::move(out)};
}

Outcome<Response> ExternalPartnerService::retrieve_reports(const Caller &caller, const std::string &id,
                                                           std::string_view query) {
    if (!query.empty()) return invalid_query("Query options are not supported by retrieveActionReports.");
    auto found = find_partner(caller, id);
    if (!found) return found.error();
    const auto reports = repository_.action_reports(found.value().seq);
    std::string out = "{\"@odata.context\":\"";
    out.append(kReportsContext);
    out.append("\",\"value\":[");
    for (std::size_t i = 0; i < reports.size(); ++i) {
        if (i) out.push_back(',');
        append_action_report(out, reports[i]);
    }
    out.append("]}");
    return Response{200, std::move(out)};
}

}  // namespace cpep
