// The core stays pure (STYLE.md, "Pure core, injected time and ids"): no SQLite, no real clock, no
// randomness, no files, no sockets. Like Envoy's format check, this reads the source text, so
// a forbidden name fails the build's tests even inside a comment.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#ifndef CPEP_CORE_DIR
#error "CPEP_CORE_DIR must name the core source directory"
#endif

namespace {

struct Rule {
    const char *what;
    std::regex pattern;
};

const std::vector<Rule> &rules() {
    static const std::vector<Rule> kRules = [] {
        const std::pair<const char *, const char *> table[] = {
            {"includes sqlite3.h", R"(#\s*include\s*[<"][^>"]*sqlite3\.h)"},
            {"includes SQLiteCpp", R"(#\s*include\s*[<"][^>"]*SQLiteCpp)"},
            {"calls the SQLite C API", R"(\bsqlite3_\w+\s*\()"},
            {"uses SQLiteCpp", R"(\bSQLite::)"},
            {"reads the system clock", R"(system_clock\s*::\s*now)"},
            {"reads the steady clock", R"(steady_clock\s*::\s*now)"},
            {"uses high_resolution_clock", R"(high_resolution_clock)"},
            {"reads time()", R"(\btime\s*\(\s*(nullptr|NULL|0)?\s*\))"},
            {"uses std::random_device", R"(random_device)"},
            {"uses a random_generator", R"(random_generator)"},
            {"uses rand()", R"((\bstd::|[^\w.>:]|^)s?rand\s*\()"},
            {"uses getrandom", R"(getrandom)"},
            {"uses arc4random", R"(arc4random)"},
            {"opens files with fopen", R"(\bf(re)?open\s*\()"},
            {"uses file streams", R"(\b[io]?fstream\b)"},
            {"includes <fstream>", R"(#\s*include\s*<fstream>)"},
            {"includes <filesystem>", R"(#\s*include\s*<filesystem>)"},
            {"includes <fcntl.h>", R"(#\s*include\s*<fcntl\.h>)"},
            {"calls ::open", R"(::\s*open\s*\()"},
            {"opens sockets", R"(\bsocket\s*\()"},
            {"includes socket headers", R"(#\s*include\s*<(sys/socket|netinet/\w+|arpa/inet)\.h>)"},
        };
        std::vector<Rule> out;
        for (const auto &[what, pattern] : table) out.push_back({what, std::regex(pattern)});
        return out;
    }();
    return kRules;
}

// One line per violation: "<file>:<line>: <what>".
std::vector<std::string> violations(const std::string &file, const std::string &text) {
    std::vector<std::string> found;
    std::istringstream lines(text);
    std::string line;
    for (int n = 1; std::getline(lines, line); ++n)
        for (const Rule &rule : rules())
            if (std::regex_search(line, rule.pattern)) found.push_back(file + ":" + std::to_string(n) + ": " + rule.what);
    return found;
}

TEST(CorePurity, ScannerFlagsEveryForbiddenForm) {
    const char *const forbidden[] = {
        "#include <sqlite3.h>",
        "#include \"sqlite3.h\"",
        "#include <SQLiteCpp/SQLiteCpp.h>",
        "  sqlite3_open_v2(path, &db, flags, nullptr);",
        "SQLite::Database db(path);",
        "auto t = std::chrono::system_clock::now();",
        "auto t = std::chrono::steady_clock::now();",
        "using C = std::chrono::high_resolution_clock;",
        "std::time_t t = time(nullptr);",
        "std::time_t t = std::time(0);",
        "std::random_device rd;",
        "boost::uuids::random_generator gen;",
        "int r = std::rand();",
        "int r = rand() % 6;",
        "srand(42);",
        "getrandom(buf, sizeof buf, 0);",
        "FILE *f = fopen(\"x\", \"r\");",
        "std::ifstream in(path);",
        "std::ofstream out(path);",
        "#include <fstream>",
        "#include <filesystem>",
        "#include <fcntl.h>",
        "int fd = ::open(path, O_RDONLY);",
        "int s = socket(AF_INET, SOCK_STREAM, 0);",
        "#include <sys/socket.h>",
    };
    for (const char *line : forbidden) EXPECT_FALSE(violations("sample.cpp", line).empty()) << line;
}

TEST(CorePurity, ScannerAcceptsTheCoreIdioms) {
    // json_reader's SAX builder has a member named open(); the clock port has now().
    const char *const allowed[] = {
        "    bool open(json::value_t type) {",
        "    bool start_object(std::size_t) { return open(json::value_t::object); }",
        "    virtual Instant now() const = 0;",
        "    const Instant now = clock_.now();",
        "// real clock, the real id streams and the SQLite repository; tests supply fakes.",
        "std::string format_error_date(Instant t);",
        "#include <cstdio>",
        "std::snprintf(buf, sizeof buf, \"%04lld\", y);",
        "GeneratedId next_entity_id() override;",
        "const std::int64_t runtime = 3;",
    };
    for (const char *line : allowed) EXPECT_TRUE(violations("sample.cpp", line).empty()) << line;
}

TEST(CorePurity, CoreSourcesUseNoForbiddenFacility) {
    namespace fs = std::filesystem;
    const fs::path dir = CPEP_CORE_DIR;
    ASSERT_TRUE(fs::is_directory(dir)) << dir;
    std::vector<std::string> found;
    int scanned = 0;
    bool saw_service = false;
    for (const auto &entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        const std::string ext = entry.path().extension().string();
        if (ext != ".h" && ext != ".hpp" && ext != ".cpp" && ext != ".cc" && ext != ".inc") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        ASSERT_TRUE(in) << entry.path();
        std::ostringstream text;
        text << in.rdbuf();
        ++scanned;
        saw_service = saw_service || entry.path().filename() == "service.cpp";
        for (std::string &v : violations(entry.path().lexically_relative(dir).string(), text.str()))
            found.push_back(std::move(v));
    }
    // Guards against a vacuous pass on the wrong directory.
    EXPECT_GE(scanned, 20);
    EXPECT_TRUE(saw_service);
    std::string report;
    for (const std::string &v : found) report += "\n  " + v;
    EXPECT_TRUE(found.empty()) << "core/ must stay pure:" << report;
}

}  // namespace
