#include "core/agent.h"

#include <algorithm>

#include "core/guid.h"

namespace cpep {
namespace {

using json = nlohmann::json;

constexpr std::string_view kSettingType = "microsoft.graph.cloudPcExternalPartnerAgentSetting";

GraphError invalid(std::string message) { return errors::bad_request("invalidProperty", std::move(message)); }

bool ends_with_ci(std::string_view s, std::string_view suffix) {
    if (s.size() < suffix.size()) return false;
    s = s.substr(s.size() - suffix.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != suffix[i]) return false;
    }
    return true;
}

// An https URL with a host whose path (before any query or fragment) ends in .exe or .msi.
bool valid_agent_url(std::string_view url) {
    constexpr std::string_view kScheme = "https://";
    if (url.size() <= kScheme.size() || !ends_with_ci(url.substr(0, kScheme.size()), kScheme)) return false;
    for (unsigned char c : url)
        if (c <= 0x20 || c >= 0x7F) return false;  // no spaces, controls or raw non-ASCII
    std::string_view rest = url.substr(kScheme.size());
    const std::size_t path_start = rest.find('/');
    if (path_start == 0 || path_start == std::string_view::npos) return false;  // no host, or no path
    std::string_view path = rest.substr(path_start);
    path = path.substr(0, path.find_first_of("?#"));
    return ends_with_ci(path, ".exe") || ends_with_ci(path, ".msi");
}

bool is_hex64(std::string_view s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

}  // namespace

Outcome<AgentSetting> validate_configure_agent_body(const json &body) {
    if (!body.is_object()) return errors::bad_request("invalidJson", "The request body must be a JSON object.");
    for (const auto &[key, value] : body.items())
        if (key != "agentSetting")
            return errors::bad_request("unknownProperty", "The parameter '" + quote_for_message(key) +
                                                              "' is not a parameter of configureAgent; "
                                                              "the body takes only 'agentSetting'.");
    auto it = body.find("agentSetting");
    if (it == body.end()) return errors::bad_request("missingProperty", "The parameter 'agentSetting' is required.");
    if (!it->is_object()) return invalid("The parameter 'agentSetting' must be a cloudPcExternalPartnerAgentSetting object.");
    const json &s = *it;
    for (const auto &[key, value] : s.items()) {
        if (key == "agentUrl" || key == "agentSha256" || key == "installParameters" || key == "autoDeploymentEnabled")
            continue;
        if (key == "@odata.type") {
            if (!value.is_string()) return errors::bad_request("invalidODataType", "The '@odata.type' annotation must be a string.");
            std::string_view t = value.get_ref<const std::string &>();
            if (t.starts_with('#')) t.remove_prefix(1);
            if (t != kSettingType)
                return errors::bad_request("invalidODataType",
                                           "A type named '" + quote_for_message(value.get_ref<const std::string &>()) +
                                               "' could not be resolved for 'agentSetting'; expected "
                                               "'#microsoft.graph.cloudPcExternalPartnerAgentSetting'.");
            continue;
        }
        return errors::bad_request("unknownProperty", "The property '" + quote_for_message(key) +
                                                          "' does not exist on type "
                                                          "'microsoft.graph.cloudPcExternalPartnerAgentSetting'.");
    }
    AgentSetting out;
    auto url = s.find("agentUrl");
    if (url == s.end() || url->is_null())
        return errors::bad_request("missingProperty", "The property 'agentUrl' is required.");
    if (!url->is_string() || !valid_agent_url(url->get_ref<const std::string &>()))
        return invalid("The property 'agentUrl' must be an https URL whose path ends in '.exe' or '.msi'.");
    out.agent_url = url->get<std::string>();
    auto sha = s.find("agentSha256");
    if (sha == s.end() || sha->is_null())
        return errors::bad_request("missingProperty", "The property 'agentSha256' is required.");
    if (!sha->is_string() || !is_hex64(sha->get_ref<const std::string &>()))
        return invalid("The property 'agentSha256' must be a SHA-256 digest: 64 hexadecimal characters.");
    out.agent_sha256 = sha->get<std::string>();
    if (auto p = s.find("installParameters"); p != s.end()) {
        // Collection(Edm.String) Nullable="false" in the CSDL: omit it for [], never send null.
        if (!p->is_array()) return invalid("The property 'installParameters' must be an array of strings (not null).");
        for (const json &v : *p) {
            if (!v.is_string()) return invalid("The property 'installParameters' must be an array of strings.");
            out.install_parameters.push_back(v.get<std::string>());
        }
    }
    if (auto a = s.find("autoDeploymentEnabled"); a != s.end() && !a->is_null()) {
        if (!a->is_boolean()) return invalid("The property 'autoDeploymentEnabled' must be a JSON boolean.");
        out.auto_deployment_enabled = a->get<bool>();
    }
    return out;
}

Outcome<std::vector<std::string>> validate_deploy_agent_body(const json &body) {
    if (!body.is_object()) return errors::bad_request("invalidJson", "The request body must be a JSON object.");
    for (const auto &[key, value] : body.items())
        if (key != "cloudPcIds")
            return errors::bad_request("unknownProperty", "The parameter '" + quote_for_message(key) +
                                                              "' is not a parameter of deployAgent; "
                                                              "the body takes only 'cloudPcIds'.");
    auto it = body.find("cloudPcIds");
    if (it == body.end() || it->is_null())
        return errors::bad_request("missingProperty", "The parameter 'cloudPcIds' is required.");
    if (!it->is_array()) return invalid("The parameter 'cloudPcIds' must be an array of Cloud PC ids (GUIDs).");
    if (it->empty() || it->size() > 50)
        return invalid("The parameter 'cloudPcIds' must hold from 1 to 50 Cloud PC ids; it holds " +
                       std::to_string(it->size()) + ".");
    std::vector<std::string> ids;
    for (const json &v : *it) {
        std::optional<std::string> id;
        if (v.is_string()) id = canonical_guid(v.get_ref<const std::string &>());
        if (!id) return invalid("Every entry of 'cloudPcIds' must be a GUID such as '30d0e128-de93-41dc-89ec-33d84bb662a0'.");
        if (std::find(ids.begin(), ids.end(), *id) != ids.end())
            return invalid("The Cloud PC id '" + *id + "' appears more than once in 'cloudPcIds'.");
        ids.push_back(std::move(*id));
    }
    return ids;
}

std::string_view to_string(ActionState s) {
    switch (s) {
    case ActionState::created: return "created";
    case ActionState::pending: return "pending";
    case ActionState::running: return "running";
    case ActionState::succeeded: return "succeeded";
    }
    return "unknownFutureValue";
}

std::string_view to_string(ActionType t) {
    return t == ActionType::configure_agent ? "configureAgent" : "deployAgent";
}

std::string_view to_string(AuthenticatedMethod m) {
    switch (m) {
    case AuthenticatedMethod::app_only: return "appOnly";
    case AuthenticatedMethod::normal_user: return "normalUser";
    case AuthenticatedMethod::guest_user: return "guestUser";
    }
    return "unknownFutureValue";
}

ActionProgress action_progress(const ActionResult &r, Instant now, const ActionTimings &t) {
    const Instant succeeded = r.started_at.plus_seconds(t.succeeded_after_seconds);
    const Instant running = r.started_at.plus_seconds(t.running_after_seconds);
    const Instant pending = r.started_at.plus_seconds(t.pending_after_seconds);
    if (now >= succeeded) return {ActionState::succeeded, succeeded};
    if (now >= running) return {ActionState::running, running};
    if (now >= pending) return {ActionState::pending, pending};
    return {ActionState::created, r.started_at};
}

namespace {
ActionReport report_base(const Caller &caller, ActionType type, Instant now) {
    ActionReport r;
    r.action_type = type;
    r.authenticated_app_id = caller.app_id;
    r.authenticated_method = caller.kind == CallerKind::application ? AuthenticatedMethod::app_only
                             : caller.guest                        ? AuthenticatedMethod::guest_user
                                                                   : AuthenticatedMethod::normal_user;
    if (!caller.user_principal_name.empty()) r.authenticated_user_principal_name = caller.user_principal_name;
    r.created_at = now;
    return r;
}
}  // namespace

ActionReport configure_agent_report(const Caller &caller, const AgentSetting &setting, Instant now) {
    ActionReport r = report_base(caller, ActionType::configure_agent, now);
    r.agent_setting = setting;
    return r;
}

std::vector<ActionReport> deploy_agent_reports(const Caller &caller, const std::string &activity_id,
                                               const std::vector<std::string> &cloud_pc_ids, Instant now) {
    std::vector<ActionReport> out;
    out.reserve(cloud_pc_ids.size());
    for (const auto &pc : cloud_pc_ids) {
        ActionReport r = report_base(caller, ActionType::deploy_agent, now);
        r.activity_id = activity_id;
        r.cloud_pc_id = pc;
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace cpep
