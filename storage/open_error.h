#pragma once
// Why a database could not be opened. Messages name the file but never contain SQL.
#include <stdexcept>
#include <string>

namespace cpep::storage {

enum class OpenFailure { locked, schema, io };

class OpenError : public std::runtime_error {
public:
    OpenError(OpenFailure failure, const std::string &message)
        : std::runtime_error(message), failure_(failure) {}
    OpenFailure failure() const noexcept { return failure_; }

private:
    OpenFailure failure_;
};

}  // namespace cpep::storage
