// cpep: the engine on the command line. Every subcommand goes through the public C ABI only.
#include "arguments.h"
#include "caller.h"
#include "cpep.h"
#include "engine_handle.h"
#include "graph_url.h"
#include "http_request.h"
#include "http_response.h"
#include "input.h"
#include "json_text.h"
#include "open_options.h"
#include "paging.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <string_view>
#include <vector>

namespace cpep::cli {
namespace {

enum ExitStatus : int {
    kExitOk = 0,          // the engine answered 2xx
    kExitHttpError = 1,   // the engine answered an error status; its body is still printed
    kExitUsage = 2,       // the command line or the request given to `http` is malformed
    kExitEngine = 3,      // the engine could not be opened (or the system failed)
};

constexpr std::string_view kDefaultDb = "./cpep.db";

struct Subcommand {
    std::string_view name;
    std::string_view synopsis;  // what follows the name in a usage line
    std::string_view summary;
    std::string_view details;
    unsigned option_groups;     // OptionGroup bits this subcommand accepts
    int (*run)(const Invocation &);
};

const std::vector<Subcommand> &subcommands();

void write_stdout(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout) != 0) {
        throw EngineError{CPEP_ERROR, "cannot write standard output"};
    }
}

void tell(std::string_view message) {
    std::fprintf(stderr, "cpep: %.*s\n", static_cast<int>(message.size()), message.data());
}

int exit_status_for(int http_status) {
    return http_status >= 200 && http_status < 300 ? kExitOk : kExitHttpError;
}

std::string db_path(const Invocation &inv) { return inv.db.value_or(std::string(kDefaultDb)); }

// --- help ---------------------------------------------------------------------------------------

std::string options_help(unsigned groups) {
    std::string out;
    const auto section = [&out](std::string_view title, unsigned mask) {
        out += std::string(title) + ":\n";
        for (const OptionSpec &spec : option_specs()) {
            if (spec.group != mask && (spec.group & mask) == 0) {
                continue;
            }
            std::string left = "  " + std::string(spec.name);
            if (!spec.value.empty()) {
                left += " " + std::string(spec.value);
            }
            left.resize(std::max<std::size_t>(left.size() + 2, 28), ' ');
            out += left + std::string(spec.help) + "\n";
        }
        out += "\n";
    };
    if ((groups & kEngineOptions) != 0) {
        section("Engine options", kEngineOptions);
    }
    if ((groups & kCallerOptions) != 0) {
        section("Caller options", kCallerOptions);
    }
    if ((groups & kInputOptions) != 0) {
        section("Input options", kInputOptions);
    }
    if ((groups & (kSelectOptions | kListOptions)) != 0) {
        section("Query options", groups & (kSelectOptions | kListOptions));
    }
    if ((groups & kUpdateOptions) != 0) {
        section("Update options", kUpdateOptions);
    }
    section("Other options", kAnywhere);
    return out;
}

std::string usage_summary() {
    std::string out = "Usage: cpep [OPTIONS] COMMAND [ARGS]\n\nCommands:\n";
    for (const Subcommand &sub : subcommands()) {
        std::string left = "  " + std::string(sub.name) + " " + std::string(sub.synopsis);
        constexpr std::size_t kColumn = 46;
        if (left.size() + 2 > kColumn) {
            left += "\n";  // a long synopsis gets a line of its own
            left.append(kColumn, ' ');
        } else {
            left.resize(kColumn, ' ');
        }
        out += left + std::string(sub.summary) + "\n";
    }
    out += "\nRun 'cpep help COMMAND' for a command's options.\n";
    return out;
}

std::string general_help() {
    return "cpep " + std::string(cpep_version()) +
           ": the Microsoft Graph beta /deviceManagement/virtualEndpoint/externalPartners\n"
           "engine (libcpep) on the command line.\n\n" +
           usage_summary() + "\n" + options_help(kEngineOptions | kCallerOptions) +
           "Callers: every command but help acts as a caller, the claims of an already-authenticated\n"
           "token. --caller JSON|@FILE passes the claims as they are. --tenant GUID --as app|user\n"
           "builds them, and cpep states the built caller on standard error. A built caller holds the\n"
           "highest permission of what it does: CloudPC.ReadWrite.All for everything on\n"
           "externalPartners (it grants reads too: list, get, the retrieve functions), and\n"
           "CloudPC.PartnerReadWrite.All, the only permission that grants it, for the partner\n"
           "heartbeat (heartbeat, or http with POST /partnerApi/heartbeat). configureAgent and\n"
           "deployAgent also need an Entra role in \"wids\": give those callers with --caller.\n"
           "\n"
           "Exit status: 0 the engine answered 2xx; 1 it answered an HTTP error (the body is still\n"
           "printed); 2 usage error or malformed input; 3 the engine could not be opened, or failed.\n";
}

std::string command_help(const Subcommand &sub) {
    return "Usage: cpep " + std::string(sub.name) + " " + std::string(sub.synopsis) + "\n\n" +
           std::string(sub.details) + "\n" + options_help(sub.option_groups);
}

const Subcommand *find_subcommand(std::string_view name) {
    for (const Subcommand &sub : subcommands()) {
        if (sub.name == name) {
            return &sub;
        }
    }
    return nullptr;
}

int run_help(const Invocation &inv) {
    if (inv.operands.size() > 1) {
        throw UsageError{"help takes at most one command name"};
    }
    if (inv.operands.empty()) {
        write_stdout(general_help());
        return kExitOk;
    }
    const Subcommand *sub = find_subcommand(inv.operands.front());
    if (sub == nullptr) {
        throw UsageError{"no command named '" + inv.operands.front() + "'"};
    }
    write_stdout(command_help(*sub));
    return kExitOk;
}

// --- create -------------------------------------------------------------------------------------

int run_create(const Invocation &inv) {
    if (inv.operands.size() > 1) {
        throw UsageError{"create takes one body; quote the JSON so the shell passes it as one argument"};
    }
    if (inv.file && !inv.operands.empty()) {
        throw UsageError{"give the body either as an argument or with --file, not both"};
    }
    if (!inv.file && inv.operands.empty()) {
        throw UsageError{"create needs a body: a JSON argument, --file PATH, or '-' for standard input"};
    }
    const std::string body_source = inv.file ? *inv.file : inv.operands.front();
    const bool body_from_stdin = inv.file ? *inv.file == "-" : body_source == "-";
    if (body_from_stdin && inv.caller && *inv.caller == "@-") {
        throw UsageError{"the body and the caller cannot both come from standard input"};
    }
    const Caller caller = resolve_caller(inv, "");
    const std::string options = open_options_json(inv);

    std::string body;
    if (inv.file || body_from_stdin) {
        body = read_file_or_stdin(body_source).bytes;
    } else {
        body = body_source;
    }

    if (!caller.statement.empty()) {
        tell(caller.statement);
    }
    Engine engine(db_path(inv), options);
    const Response response = engine.create_external_partner(caller.json, body);
    if (!response.body.empty()) {
        write_stdout(pretty_body(response.body) + "\n");
    }
    return exit_status_for(response.status);
}

// --- list, get, update, delete, heartbeat --------------------------------------------------------

// The body of the engine's answer, pretty JSON, on standard output (nothing for a 204), and the
// exit status that goes with the HTTP status.
int print_response(const Response &response) {
    if (!response.body.empty()) {
        write_stdout(pretty_body(response.body) + "\n");
    }
    return exit_status_for(response.status);
}

// The one operand of get, update, delete and heartbeat.
const std::string &single_operand(const Invocation &inv, std::string_view what) {
    if (inv.operands.empty()) {
        throw UsageError{inv.command + " needs the " + std::string(what)};
    }
    if (inv.operands.size() > 1) {
        throw UsageError{inv.command + " takes one " + std::string(what) + ", not " +
                         std::to_string(inv.operands.size())};
    }
    if (inv.operands.front().empty()) {
        throw UsageError{"the " + std::string(what) + " is empty"};
    }
    return inv.operands.front();
}

// Resolves the caller, states a built one on stderr, opens the engine and sends one request.
int send_one(const Invocation &inv, const std::string &method, const std::string &url,
             std::string_view body, std::string_view permission = kBuiltPermission) {
    const Caller caller = resolve_caller(inv, "", permission);
    const std::string options = open_options_json(inv);
    if (!caller.statement.empty()) {
        tell(caller.statement);
    }
    Engine engine(db_path(inv), options);
    return print_response(engine.request(method, url, caller.json, body));
}

int run_list(const Invocation &inv) {
    if (!inv.operands.empty()) {
        throw UsageError{"list takes no arguments; filter with --filter EXPR"};
    }
    QueryString query;
    if (inv.filter) {
        query.add("$filter", *inv.filter);
    }
    if (inv.select) {
        query.add("$select", *inv.select);
    }
    if (inv.top) {
        query.add("$top", *inv.top);
    }
    if (inv.skip) {
        query.add("$skip", *inv.skip);
    }
    if (inv.count) {
        query.add("$count", "true");
    }
    const std::string url = std::string(kCollectionPath) + query.str();

    const Caller caller = resolve_caller(inv, "");
    const std::string options = open_options_json(inv);
    if (!caller.statement.empty()) {
        tell(caller.statement);
    }
    Engine engine(db_path(inv), options);
    if (inv.all) {
        return print_response(fetch_all_pages(engine, url, caller.json));
    }
    return print_response(engine.request("GET", url, caller.json, {}));
}

int run_get(const Invocation &inv) {
    const std::string &id = single_operand(inv, "id of the external partner");
    QueryString query;
    if (inv.select) {
        query.add("$select", *inv.select);
    }
    return send_one(inv, "GET", entity_path(id) + query.str(), {});
}

int run_update(const Invocation &inv) {
    const std::string &id = single_operand(inv, "id of the external partner");
    if (inv.enable == inv.disable) {
        throw UsageError{inv.enable ? "give --enable or --disable, not both"
                                    : "update needs --enable or --disable"};
    }
    return send_one(inv, "PATCH", entity_path(id),
                    inv.enable ? R"({"enableConnection": true})" : R"({"enableConnection": false})");
}

int run_delete(const Invocation &inv) {
    const std::string &id = single_operand(inv, "id of the external partner");
    return send_one(inv, "DELETE", entity_path(id), {});
}

int run_heartbeat(const Invocation &inv) {
    const std::string &partner_id = single_operand(inv, "partnerId");
    Json body = Json::object();
    body["partnerId"] = partner_id;
    return send_one(inv, "POST", std::string(kHeartbeatPath),
                    body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                    kPartnerPermission);
}

// --- http ---------------------------------------------------------------------------------------

int run_http(const Invocation &inv) {
    if (!inv.operands.empty()) {
        throw UsageError{"http reads the request from standard input (or --file PATH) and takes no "
                         "arguments"};
    }
    const std::string source = inv.file.value_or("-");
    if (source == "-" && inv.caller && *inv.caller == "@-") {
        throw UsageError{"the request and the caller cannot both come from standard input"};
    }
    const std::string missing_hint = "; an Authorization header in the request is not decoded";
    Caller caller = resolve_caller(inv, missing_hint);
    const std::string options = open_options_json(inv);

    const Input input = read_file_or_stdin(source);
    HttpRequest request;
    try {
        request = parse_http_request(input.bytes, input.truncated);
    } catch (const HttpParseError &e) {
        throw InputError{"malformed request: " + e.message};
    }
    if (!caller.statement.empty() && is_heartbeat_target(request.target)) {
        caller = resolve_caller(inv, missing_hint, kPartnerPermission);  // what a built caller holds
    }

    if (!caller.statement.empty()) {
        tell(caller.statement);
    }
    Engine engine(db_path(inv), options);
    const Response response =
        engine.request(request.method, request.target, caller.json, request.body);
    write_stdout(render_http_response(response, request.header("client-request-id")));
    return exit_status_for(response.status);
}

// --- the table ----------------------------------------------------------------------------------

// A subcommand is one row.
const std::vector<Subcommand> &subcommands() {
    static const std::vector<Subcommand> table = {
        {"create", "[OPTIONS] (BODY | - | --file PATH)",
         "create an external partner (POST .../externalPartners)",
         "Creates a cloudPcExternalPartner: POST /deviceManagement/virtualEndpoint/externalPartners\n"
         "with the JSON body given as the argument BODY, read from PATH, or read from standard\n"
         "input ('-' or --file -). Prints the response body, pretty JSON, on standard output.\n"
         "\n"
         "Example:\n"
         "  cpep create --tenant 5c7a7e3c-8d46-4b49-9a4d-4a1c6e0b2d1f --as app \\\n"
         "      '{\"partnerId\": \"198d7140-80bb-4843-8cc4-811377a49a92\", \"enableConnection\": true}'\n",
         kEngineOptions | kCallerOptions | kInputOptions, run_create},
        {"list", "[OPTIONS] [--filter EXPR] [--select a,b] [--top N] [--skip N] [--count] [--all]",
         "list external partners (GET .../externalPartners)",
         "Lists the caller's tenant's cloudPcExternalPartners, in creation order:\n"
         "GET /deviceManagement/virtualEndpoint/externalPartners with the OData options given\n"
         "(each value is percent-encoded; the engine judges it and answers 400 invalidQueryOption\n"
         "for a malformed one). Prints the response body, pretty JSON. A page holds at most 100\n"
         "entities; when there are more, the page ends in @odata.nextLink, which 'cpep http' can\n"
         "GET. With --all, cpep follows every @odata.nextLink itself and prints one merged\n"
         "collection: @odata.context, @odata.count (with --count) and \"value\" holding every entity.\n"
         "An error on any page is printed as the engine answered it.\n"
         "\n"
         "Examples:\n"
         "  cpep list --tenant 5c7a7e3c-8d46-4b49-9a4d-4a1c6e0b2d1f --as user \\\n"
         "      --filter 'enableConnection eq true' --select partnerId,connectionStatus --count\n"
         "  cpep list --tenant 5c7a7e3c-8d46-4b49-9a4d-4a1c6e0b2d1f --as user --all\n",
         kEngineOptions | kCallerOptions | kSelectOptions | kListOptions, run_list},
        {"get", "[OPTIONS] ID [--select a,b]", "get one external partner (GET .../externalPartners/ID)",
         "Reads one cloudPcExternalPartner: GET /deviceManagement/virtualEndpoint/externalPartners/ID,\n"
         "with $select when --select is given. Prints the response body, pretty JSON. An id that\n"
         "does not exist in the caller's tenant (or is not a GUID) answers 404.\n"
         "\n"
         "Example:\n"
         "  cpep get --tenant 5c7a7e3c-8d46-4b49-9a4d-4a1c6e0b2d1f --as user \\\n"
         "      b3c1b7a4-6f5e-4c1d-9a2b-3c4d5e6f7a8b --select partnerId,connectionStatus\n",
         kEngineOptions | kCallerOptions | kSelectOptions, run_get},
        {"update", "[OPTIONS] ID (--enable | --disable)",
         "turn a connection on or off (PATCH .../externalPartners/ID)",
         "Updates one cloudPcExternalPartner: PATCH /deviceManagement/virtualEndpoint/externalPartners/ID\n"
         "with {\"enableConnection\": true} (--enable) or false (--disable), the only property\n"
         "PATCH may change. Prints the updated entity, pretty JSON. Enabling sets connectionStatus\n"
         "'available' and forgets earlier heartbeats; disabling sets 'notAvailable'.\n"
         "\n"
         "Example:\n"
         "  cpep update --tenant 5c7a7e3c-8d46-4b49-9a4d-4a1c6e0b2d1f --as app \\\n"
         "      b3c1b7a4-6f5e-4c1d-9a2b-3c4d5e6f7a8b --disable\n",
         kEngineOptions | kCallerOptions | kUpdateOptions, run_update},
        {"delete", "[OPTIONS] ID", "delete an external partner (DELETE .../externalPartners/ID)",
         "Deletes one cloudPcExternalPartner, with its heartbeats, agent setting, action results\n"
         "and reports: DELETE /deviceManagement/virtualEndpoint/externalPartners/ID. The engine\n"
         "answers 204: cpep prints nothing and exits 0. An error body is printed as usual.\n"
         "\n"
         "Example:\n"
         "  cpep delete --tenant 5c7a7e3c-8d46-4b49-9a4d-4a1c6e0b2d1f --as app \\\n"
         "      b3c1b7a4-6f5e-4c1d-9a2b-3c4d5e6f7a8b\n",
         kEngineOptions | kCallerOptions, run_delete},
        {"heartbeat", "[OPTIONS] PARTNER_ID", "send a partner heartbeat (POST /partnerApi/heartbeat)",
         "Sends the partner's heartbeat, an engine extension: POST /partnerApi/heartbeat with\n"
         "{\"partnerId\": \"PARTNER_ID\"} (the partnerId, not the entity id). The partner calls it as\n"
         "an application of the same tenant holding CloudPC.PartnerReadWrite.All, which is what\n"
         "--tenant GUID --as app builds here. The engine answers 204 when the connection is enabled\n"
         "(cpep prints nothing and exits 0; lastSyncDateTime becomes the heartbeat's instant and the\n"
         "connection 'healthy'), 409 when it is disabled, 404 for an unknown partner.\n"
         "\n"
         "Example:\n"
         "  cpep heartbeat --tenant 5c7a7e3c-8d46-4b49-9a4d-4a1c6e0b2d1f --as app \\\n"
         "      198d7140-80bb-4843-8cc4-811377a49a92\n",
         kEngineOptions | kCallerOptions, run_heartbeat},
        {"http", "[OPTIONS] [--file PATH] < REQUEST",
         "send one raw HTTP request, as Graph documents it",
         "Reads one HTTP request as the Graph documentation writes it from standard input (or PATH):\n"
         "a request line (METHOD URL, the 'HTTP/1.1' token optional), headers, a blank line, the\n"
         "body (none for GET or DELETE); CRLF or LF line ends. The URL may be absolute\n"
         "(https://graph.microsoft.com/beta/...) or a path, with its query string (raw spaces are\n"
         "fine: $filter=enableConnection eq true). Content-Length, when present, bounds the body.\n"
         "Every route of the engine is served: create, list, get, update, delete, the partner\n"
         "heartbeat, configureAgent, deployAgent, retrieveDeployAgentActionResults and\n"
         "retrieveActionReports; an @odata.nextLink can be sent back as it is.\n"
         "Prints the raw HTTP response: status line, headers, blank line, body (pretty JSON). A 204\n"
         "is its status line and the blank line alone.\n"
         "\n"
         "The caller comes from --caller or --tenant/--as, never from the request: an\n"
         "'Authorization: Bearer ...' header is ignored, since tokens are not decoded here. A\n"
         "client-request-id header is echoed as a response header and, in an error, in\n"
         "error.innerError. A caller built by --tenant/--as holds CloudPC.ReadWrite.All, or\n"
         "CloudPC.PartnerReadWrite.All when the URL is /partnerApi/heartbeat.\n"
         "\n"
         "Examples:\n"
         "  printf 'GET /deviceManagement/virtualEndpoint/externalPartners?$top=2\\n\\n' |\n"
         "      cpep http --tenant 5c7a7e3c-8d46-4b49-9a4d-4a1c6e0b2d1f --as user\n"
         "  cpep http --tenant 5c7a7e3c-8d46-4b49-9a4d-4a1c6e0b2d1f --as app \\\n"
         "      --now 2020-11-03T12:43:14Z < examples/create-request.http\n",
         kEngineOptions | kCallerOptions | kInputOptions, run_http},
        {"help", "[COMMAND]", "show help for cpep or for one command",
         "Shows what cpep or one of its commands does, and its options.\n", kEngineOptions, run_help},
    };
    return table;
}

int run(int argc, char **argv) {
    if (cpep_abi_version() != CPEP_ABI_VERSION) {
        tell("libcpep implements C ABI version " + std::to_string(cpep_abi_version()) +
             " but this cpep was built for version " + std::to_string(CPEP_ABI_VERSION));
        return kExitEngine;
    }
    const Invocation inv = parse_arguments(argc, argv);
    if (inv.version) {
        write_stdout(std::string(cpep_version()) + "\n");
        return kExitOk;
    }
    const Subcommand *sub = nullptr;
    if (!inv.command.empty()) {
        sub = find_subcommand(inv.command);
        if (sub == nullptr) {
            throw UsageError{"no command named '" + inv.command + "'"};
        }
    }
    if (inv.help) {
        if (sub != nullptr && sub->run == run_help) {
            return run_help(inv);
        }
        write_stdout(sub != nullptr ? command_help(*sub) : general_help());
        return kExitOk;
    }
    if (sub == nullptr) {
        throw UsageError{"no command given"};
    }
    for (const OptionSpec *spec : inv.given) {
        if (spec->group != kAnywhere && (sub->option_groups & spec->group) == 0) {
            throw UsageError{"option " + std::string(spec->name) + " does not apply to '" +
                             std::string(sub->name) + "'"};
        }
    }
    return sub->run(inv);
}

}  // namespace
}  // namespace cpep::cli

int main(int argc, char **argv) {
    using namespace cpep::cli;
    try {
        return run(argc, argv);
    } catch (const UsageError &e) {
        tell(e.message);
        std::fputs(("\n" + usage_summary()).c_str(), stderr);
        return kExitUsage;
    } catch (const InputError &e) {
        tell(e.message);
        return kExitUsage;
    } catch (const EngineError &e) {
        tell(e.message);
        return kExitEngine;
    } catch (const std::bad_alloc &) {
        tell("out of memory");
        return kExitEngine;
    } catch (const std::exception &e) {
        tell(std::string("unexpected failure: ") + e.what());
        return kExitEngine;
    }
}
