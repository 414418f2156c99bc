// cpep: the engine on the command line. Every subcommand goes through the public C ABI only.
#include "arguments.h"
#include "caller.h"
#include "cpep.h"
#include "engine_handle.h"
#include "http_request.h"
#include "http_response.h"
#include "input.h"
#include "json_text.h"
#include "open_options.h"

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
constexpr std::string_view kCollectionPath = "/deviceManagement/virtualEndpoint/externalPartners";

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
    const auto section = [&out](std::string_view title, OptionGroup group) {
        out += std::string(title) + ":\n";
        for (const OptionSpec &spec : option_specs()) {
            if (spec.group != group) {
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
    section("Other options", kAnywhere);
    return out;
}

std::string usage_summary() {
    std::string out = "Usage: cpep [OPTIONS] COMMAND [ARGS]\n\nCommands:\n";
    for (const Subcommand &sub : subcommands()) {
        std::string left = "  " + std::string(sub.name) + " " + std::string(sub.synopsis);
        left.resize(std::max<std::size_t>(left.size() + 2, 45), ' ');
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
           "Exit status: 0 the engine answered 2xx; 1 it answered an HTTP error (the body is still\n"
           "printed); 2 usage error or malformed input; 3 the engine could not be opened.\n";
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
    const Caller caller = resolve_caller(
        inv, "; an Authorization header in the request is not decoded");
    const std::string options = open_options_json(inv);

    const Input input = read_file_or_stdin(source);
    HttpRequest request;
    try {
        request = parse_http_request(input.bytes, input.truncated);
    } catch (const HttpParseError &e) {
        throw InputError{"malformed request: " + e.message};
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

// Later subcommands (list, get, update, delete, ...) are one more row each.
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
        {"http", "[OPTIONS] [--file PATH] < REQUEST",
         "send one raw HTTP request, as Graph documents it",
         "Reads one HTTP request as the Graph documentation writes it from standard input (or PATH):\n"
         "a request line (METHOD URL, the 'HTTP/1.1' token optional), headers, a blank line, the\n"
         "body; CRLF or LF line ends. The URL may be absolute (https://graph.microsoft.com/beta/...)\n"
         "or a path. Content-Length, when present, bounds the body. Prints the raw HTTP response:\n"
         "status line, headers, blank line, body (pretty JSON).\n"
         "\n"
         "The caller comes from --caller or --tenant/--as, never from the request: an\n"
         "'Authorization: Bearer ...' header is ignored, since tokens are not decoded here. A\n"
         "client-request-id header is echoed as a response header and, in an error, in\n"
         "error.innerError.\n"
         "\n"
         "Example:\n"
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
