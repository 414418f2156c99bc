#pragma once
// Partner agents (CONTRACT §5): the agent setting, deployments and their per-Cloud-PC action
// results, and the action reports that record who did what.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/caller.h"
#include "core/graph_error.h"
#include "core/instant.h"

namespace cpep {

struct AgentSetting {
    std::string agent_url;
    std::string agent_sha256;  // 64 hex characters, stored as sent
    std::vector<std::string> install_parameters;
    bool auto_deployment_enabled = false;
    friend bool operator==(const AgentSetting &, const AgentSetting &) = default;
};

// Body of POST …/{id}/configureAgent: {"agentSetting": {...}}.
Outcome<AgentSetting> validate_configure_agent_body(const nlohmann::json &body);

// Body of POST …/{id}/deployAgent: {"cloudPcIds": [...]}, 1 to 50 distinct GUIDs, returned in
// lowercase canonical form and in the order sent.
Outcome<std::vector<std::string>> validate_deploy_agent_body(const nlohmann::json &body);

enum class ActionState { created, pending, running, succeeded };
std::string_view to_string(ActionState s);

struct ActionTimings {
    std::int64_t pending_after_seconds = 10;
    std::int64_t running_after_seconds = 30;
    std::int64_t succeeded_after_seconds = 120;
};

// One Cloud PC of a deployment: stored facts.
struct ActionResult {
    std::string activity_id;
    std::string cloud_pc_id;
    Instant started_at;
};

struct ActionProgress {
    ActionState state;
    Instant last_modified;  // when the action entered `state`
};

// The state of a deployment at `now`, advancing with the engine's clock.
ActionProgress action_progress(const ActionResult &r, Instant now, const ActionTimings &t);

enum class ActionType { configure_agent, deploy_agent };
enum class AuthenticatedMethod { app_only, normal_user, guest_user };
std::string_view to_string(ActionType t);
std::string_view to_string(AuthenticatedMethod m);

struct ActionReport {
    ActionType action_type = ActionType::configure_agent;
    std::optional<std::string> activity_id;
    std::string cloud_pc_id;                  // "" for configureAgent
    std::optional<AgentSetting> agent_setting;  // configureAgent only
    std::string authenticated_app_id;         // "" when the token had none
    AuthenticatedMethod authenticated_method = AuthenticatedMethod::normal_user;
    std::optional<std::string> authenticated_user_principal_name;
    Instant created_at;
};

// The report of a successful action by `caller` at `now`.
ActionReport configure_agent_report(const Caller &caller, const AgentSetting &setting, Instant now);
std::vector<ActionReport> deploy_agent_reports(const Caller &caller, const std::string &activity_id,
                                               const std::vector<std::string> &cloud_pc_ids, Instant now);

}  // namespace cpep
