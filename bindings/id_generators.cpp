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
GeneratedId RandomIdGenerator::next_activity_id() { return {random_uuid(), 0}; }
std::string RandomIdGenerator::next_request_id() { return random_uuid(); }

SeededIdGenerator::SeededIdGenerator(std::string seed, std::int64_t entity_start, std::int64_t activity_start)
    : seed_(std::move(seed)), entity_n_(entity_start), activity_n_(activity_start) {}

std::int64_t SeededIdGenerator::next(std::int64_t &counter) {
    std::lock_guard guard(mutex_);
    return ++counter;
}

GeneratedId SeededIdGenerator::next_entity_id() {
    const std::int64_t n = next(entity_n_);
    return {name_based_uuid(seed_ + "/" + std::to_string(n)), n};
}

GeneratedId SeededIdGenerator::next_activity_id() {
    const std::int64_t n = next(activity_n_);
    return {name_based_uuid(seed_ + "/activity/" + std::to_string(n)), n};
}

std::string SeededIdGenerator::next_request_id() {
    return name_based_uuid(seed_ + "/request/" + std::to_string(next(request_n_)));
}

}  // namespace cpep
