#pragma once
// The schema migrations embedded at build time from migrations/NNNN_name.sql.
#include <span>

namespace cpep::storage {

struct Migration {
    int version;         // NNNN; versions run 1, 2, 3, ... without gaps
    const char *name;    // file name, e.g. "0001_external_partner.sql"
    const char *sha256;  // of the file as landed; an edited migration is detected on open
    const char *sql;
};

std::span<const Migration> embedded_migrations();

}  // namespace cpep::storage
