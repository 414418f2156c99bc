#include "bindings/id_generators.h"

#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid_io.hpp>

namespace cpep {
namespace {

std::string random_uuid() {
    // One generator per thread: boost's generator is not thread-safe, and a lock would serialise
    // every request on it.
    thread_local boost::uuids::random_generator generator;
    return boost::uuids::to_string(generator());
}

}  // namespace

std::string name_based_uuid(const std::string &name) {
    static const boost::uuids::uuid ns = boost::uuids::string_generator()(kIdNamespace);
    boost::uuids::name_generator_sha1 generator(ns);
    return boost::uuids::to_string(generator(name));
}

GeneratedId RandomIdGenerator::next_entity_id() { return {random_uuid(), 0}; }
std::string RandomIdGenerator::next_request_id() { return random_uuid(); }

SeededIdGenerator::SeededIdGenerator(std::string seed, std::int64_t entity_start)
    : seed_(std::move(seed)), entity_n_(entity_start) {}

GeneratedId SeededIdGenerator::next_entity_id() {
    std::int64_t n;
    {
        std::lock_guard guard(mutex_);
        n = ++entity_n_;
    }
    return {name_based_uuid(seed_ + "/" + std::to_string(n)), n};
}

std::string SeededIdGenerator::next_request_id() {
    std::int64_t n;
    {
        std::lock_guard guard(mutex_);
        n = ++request_n_;
    }
    return name_based_uuid(seed_ + "/request/" + std::to_string(n));
}

}  // namespace cpep
