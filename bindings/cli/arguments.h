// The command line, parsed: which subcommand, its operands, and the options given.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cpep::cli {

// Which subcommands an option applies to; a subcommand lists the groups it accepts.
enum OptionGroup : unsigned {
    kAnywhere = 0,          // --help, --version
    kEngineOptions = 1u,    // --db, --options, --now, --id-seed, --durability
    kCallerOptions = 2u,    // --caller, --tenant, --as
    kInputOptions = 4u,     // --file
    kSelectOptions = 8u,    // --select (list, get)
    kListOptions = 16u,     // --filter, --top, --skip, --count, --all (list)
    kUpdateOptions = 32u,   // --enable, --disable (update)
};

struct OptionSpec {
    std::string_view name;      // "--db"
    std::string_view value;     // placeholder in usage ("PATH"), empty for a flag
    OptionGroup group;
    std::string_view help;
};

// Every option, in the order usage lists them.
const std::vector<OptionSpec> &option_specs();

struct Invocation {
    std::string command;                  // the subcommand name; empty when none was given
    std::vector<std::string> operands;    // arguments after the subcommand that are not options
    std::vector<const OptionSpec *> given;  // the options that appeared, in order

    std::optional<std::string> db;
    std::optional<std::string> options;
    std::optional<std::string> now;
    std::optional<std::string> id_seed;
    std::optional<std::string> durability;
    std::optional<std::string> caller;
    std::optional<std::string> tenant;
    std::optional<std::string> as;
    std::optional<std::string> file;
    std::optional<std::string> filter;
    std::optional<std::string> select;
    std::optional<std::string> top;
    std::optional<std::string> skip;
    bool count = false;
    bool all = false;
    bool enable = false;
    bool disable = false;
    bool help = false;
    bool version = false;
};

// A command line the CLI cannot act on: exit status 2, the message and the usage on stderr.
struct UsageError {
    std::string message;
};

// Options may come before or after the subcommand, as "--name value" or "--name=value";
// "--" ends the options; "-" is an operand (standard input). Throws UsageError for an unknown
// option, a missing value, a value given to a flag, or an option given twice.
Invocation parse_arguments(int argc, char **argv);

}  // namespace cpep::cli
