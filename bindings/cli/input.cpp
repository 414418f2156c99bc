#include "input.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace cpep::cli {
namespace {

struct FileCloser {
    void operator()(std::FILE *file) const noexcept { std::fclose(file); }
};

Input read_all(std::FILE *file, const std::string &name) {
    Input input;
    char chunk[1 << 16];
    while (input.bytes.size() <= kInputLimit) {
        const std::size_t got = std::fread(chunk, 1, sizeof chunk, file);
        input.bytes.append(chunk, got);
        if (got < sizeof chunk) {
            if (std::ferror(file)) {
                throw InputError{"cannot read " + name + ": " + std::strerror(errno)};
            }
            break;
        }
    }
    if (input.bytes.size() > kInputLimit) {
        input.bytes.resize(kInputLimit);
        input.truncated = true;
    }
    return input;
}

}  // namespace

Input read_stdin() { return read_all(stdin, "standard input"); }

Input read_file_or_stdin(const std::string &path) {
    if (path == "-") {
        return read_stdin();
    }
    errno = 0;
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        throw InputError{"cannot open '" + path + "': " + std::strerror(errno)};
    }
    return read_all(file.get(), "'" + path + "'");
}

}  // namespace cpep::cli
