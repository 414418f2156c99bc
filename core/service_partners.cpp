// The entity's own routes: create, list, get, update, delete, and the partner heartbeat.
#include "core/create_request.h"
#include "core/heartbeat_request.h"
#include "core/update_request.h"
#include "core/graph_json.h"
#include "core/guid.h"
#include "core/odata_query.h"
#include "core/page_token.h"
#include "core/service.h"

namespace cpep {
namespace {

constexpr std::string_view kCollectionUrl =
    "https://graph.microsoft.com/beta/deviceManagement/virtualEndpoint/externalPartners";

GraphError no_query_here(std::string_view what) {
    return invalid_query("Query options are not supported when " + std::string(what) + ".");
}

GraphError bad_token() {
    return invalid_query("The $skiptoken is not valid here: send the @odata.nextLink exactly as it was returned, "
                         "with the caller it was issued to.");
}

}  // namespace

Outcome<ExternalPartnerService::PreparedCreate> ExternalPartnerService::prepare_create(const Caller &caller,
                                                                                       std::string_view query,
                                                                                       std::string_view body) {
    if (!query.empty()) return no_query_here("creating an external partner");
    auto parsed = read_body(body);
    if (!parsed) return parsed.error();
    auto command = validate_create_body(parsed.value());
    if (!command) return command.error();
    PreparedCreate c;
    c.now = clock_.now();
    GeneratedId id = ids_.next_entity_id();
    c.id_sequence = id.sequence;
    c.partner = new_external_partner(std::move(id.value), caller.tenant_id, std::move(command.value().partner_id),
                                     command.value().enable_connection, c.now);
    return c;
}

Outcome<Response> ExternalPartnerService::finish_create(const PreparedCreate &c, bool inserted) {
    if (!inserted)
        return errors::conflict("partnerAlreadyExists", "An external partner with partnerId '" + c.partner.partner_id +
                                                            "' already exists in this tenant.");
    return Response{201, render_partner(c.partner, derive_status(c.partner, c.now, settings_.status))};
}

Outcome<Response> ExternalPartnerService::create_partner(const Caller &caller, std::string_view query,
                                                         std::string_view body) {
    auto prepared = prepare_create(caller, query, body);
    if (!prepared) return prepared.error();
    const PreparedCreate &c = prepared.value();
    return finish_create(c, repository_.insert(c.partner, c.id_sequence));
}

Outcome<Response> ExternalPartnerService::list_partners(const Caller &caller, std::string_view query) {
    auto params = parse_query_string(query);
    if (!params) return params.error();
    auto options = parse_list_options(params.value());
    if (!options) return options.error();
    ListOptions o = std::move(options).value();

    std::int64_t after = 0, remaining = o.top.value_or(-1), skip = o.skip;
    if (o.skiptoken) {
        auto token = open_page_token(*o.skiptoken, caller.tenant_id, settings_.token_key);
        if (!token || token->kind != 'p') return bad_token();
        after = token->last_seq;
        remaining = token->remaining;
        skip = 0;
        o.count = token->count;
        o.select = Select{token->select_mask, token->explicit_select};
        if (!token->a.empty()) o.filter.enable_connection = token->a == "true";
        if (!token->b.empty()) o.filter.partner_id = token->b;
    }

    std::int64_t limit = settings_.page_size;
    if (remaining >= 0) limit = std::min(limit, remaining);
    std::vector<StoredPartner> rows;
    if (!o.filter.match_nothing && limit > 0) rows = repository_.list(caller.tenant_id, o.filter, after, skip, limit + 1);
    bool more = static_cast<std::int64_t>(rows.size()) > limit;
    if (more) rows.resize(static_cast<std::size_t>(limit));
    if (remaining >= 0) {
        remaining -= static_cast<std::int64_t>(rows.size());
        if (remaining == 0) more = false;
    }

    const Instant now = clock_.now();
    std::string out = "{\"@odata.context\":\"";
    out.append(kCollectionContext);
    out.append(select_context_suffix(o.select));
    out.push_back('"');
    if (o.count) {
        out.append(",\"@odata.count\":");
        out.append(std::to_string(o.filter.match_nothing ? 0 : repository_.count(caller.tenant_id, o.filter)));
    }
    out.append(",\"value\":[");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (i) out.push_back(',');
        append_partner(out, rows[i].partner, derive_status(rows[i].partner, now, settings_.status), o.select.mask);
    }
    out.push_back(']');
    if (more) {
        PageToken t;
        t.kind = 'p';
        t.last_seq = rows.back().seq;
        t.last_id = rows.back().partner.id;
        t.remaining = remaining;
        if (o.filter.enable_connection) t.a = *o.filter.enable_connection ? "true" : "false";
        if (o.filter.partner_id) t.b = *o.filter.partner_id;
        t.select_mask = o.select.mask;
        t.explicit_select = o.select.explicit_select;
        t.count = o.count;
        out.append(",\"@odata.nextLink\":\"");
        out.append(kCollectionUrl);
        out.append("?$skiptoken=");
        out.append(seal_page_token(t, caller.tenant_id, settings_.token_key));
        out.push_back('"');
    }
    out.push_back('}');
    return Response{200, std::move(out)};
}

Outcome<Response> ExternalPartnerService::get_partner(const Caller &caller, const std::string &id,
                                                      std::string_view query) {
    auto params = parse_query_string(query);
    if (!params) return params.error();
    auto select = parse_get_options(params.value());
    if (!select) return select.error();
    auto found = find_partner(caller, id);
    if (!found) return found.error();
    const ExternalPartner &p = found.value().partner;
    return Response{200, render_partner(p, derive_status(p, clock_.now(), settings_.status), select.value().mask,
                                        select_context_suffix(select.value()))};
}

Outcome<Response> ExternalPartnerService::update_partner(const Caller &caller, const std::string &id,
                                                         std::string_view query, std::string_view body) {
    if (!query.empty()) return no_query_here("updating an external partner");
    auto parsed = read_body(body);
    if (!parsed) return parsed.error();
    auto change = validate_update_body(parsed.value());
    if (!change) return change.error();

    std::lock_guard guard(write_mutex_);
    auto found = find_partner(caller, id);
    if (!found) return found.error();
    StoredPartner stored = std::move(found).value();
    const Instant now = clock_.now();
    if (change.value().enable_connection && set_connection(stored.partner, *change.value().enable_connection, now) &&
        !repository_.save_connection(stored))
        return partner_not_found(id);
    return Response{200, render_partner(stored.partner, derive_status(stored.partner, now, settings_.status))};
}

Outcome<Response> ExternalPartnerService::delete_partner(const Caller &caller, const std::string &id,
                                                         std::string_view query) {
    if (!query.empty()) return no_query_here("deleting an external partner");
    auto canonical = canonical_guid(id);
    std::lock_guard guard(write_mutex_);
    if (!canonical || !repository_.remove(caller.tenant_id, *canonical))
        return partner_not_found(id);
    return Response{204, {}};
}

Outcome<Response> ExternalPartnerService::heartbeat(const Caller &caller, std::string_view query,
                                                    std::string_view body) {
    if (!query.empty()) return no_query_here("sending a heartbeat");
    auto parsed = read_body(body);
    if (!parsed) return parsed.error();
    auto partner_id = validate_heartbeat_body(parsed.value());
    if (!partner_id) return partner_id.error();

    std::lock_guard guard(write_mutex_);
    auto found = repository_.find_by_partner_id(caller.tenant_id, partner_id.value());
    if (!found)
        return errors::not_found("No external partner with partnerId '" + partner_id.value() + "' exists in this tenant.");
    if (!found->partner.enable_connection)
        return errors::conflict("connectionDisabled", "The connection of external partner '" + partner_id.value() +
                                                          "' is disabled; heartbeats are refused until it is enabled.");
    found->partner.last_heartbeat_at = clock_.now();
    if (!repository_.save_connection(*found))
        return errors::not_found("No external partner with partnerId '" + partner_id.value() + "' exists in this tenant.");
    return Response{204, {}};
}

}  // namespace cpep
