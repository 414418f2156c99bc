// Bounded reading of the CLI's inputs (stdin, a body file, a caller file).
#pragma once

#include <cstddef>
#include <string>

namespace cpep::cli {

// Inputs are cut at this size: far above the engine's 1 MiB body limit, so a longer input still
// reaches the engine as a body large enough to be refused with 413, but the CLI's memory stays
// bounded whatever is piped into it.
inline constexpr std::size_t kInputLimit = std::size_t{64} << 20;

struct Input {
    std::string bytes;
    bool truncated = false;  // the source held more than kInputLimit bytes
};

// Reads standard input to its end (or to kInputLimit). Throws InputError when reading fails.
Input read_stdin();

// Reads a file, or standard input when path is "-". Throws InputError naming the path on failure.
Input read_file_or_stdin(const std::string &path);

struct InputError {
    std::string message;
};

}  // namespace cpep::cli
