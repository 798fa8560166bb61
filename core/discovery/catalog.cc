#include "core/discovery/catalog.h"

#include "core/env/str.h"

namespace keel::discovery {
namespace {

// The record at `key` if it decodes and agrees with the key it sits under.
std::optional<fleet::ServiceRecord> decode_at(std::string_view key, const kv::KeyValue& kv) {
  auto names = fleet::key_pair(key, fleet::kServicesPrefix);
  if (!names) return std::nullopt;
  auto record = fleet::decode_service(kv::to_string(kv.value));
  if (!record || record->name != names->first || record->unit != names->second) {
    return std::nullopt;
  }
  return *record;
}

}  // namespace

Catalog::Catalog(Env& env, client::StoreClient& store, ChangeListener on_change)
    : store_(store),
      on_change_(std::move(on_change)),
      mirror_(env, store, std::string(fleet::kServicesPrefix),
              client::MirrorListener{
                  .on_change =
                      [this](const std::string& key, const std::optional<kv::KeyValue>&,
                             const std::optional<kv::KeyValue>& current) { changed(key, current); },
                  .on_synced = nullptr,
              }) {}

Catalog::~Catalog() { *alive_ = false; }

void Catalog::changed(const std::string& key, const std::optional<kv::KeyValue>& current) {
  auto names = fleet::key_pair(key, fleet::kServicesPrefix);
  if (!names) {
    if (current) ++undecodable_;
    return;
  }
  const auto& [service, unit] = *names;
  std::optional<fleet::ServiceRecord> record;
  if (current) {
    record = decode_at(key, *current);
    if (!record) ++undecodable_;
  }
  auto& units = services_[service];
  const bool had = units.erase(unit) > 0;
  if (record) units.emplace(unit, std::move(*record));
  if (units.empty()) services_.erase(service);
  if ((had || record) && on_change_) on_change_(service);
}

std::vector<fleet::ServiceRecord> Catalog::lookup(std::string_view service) const {
  std::vector<fleet::ServiceRecord> out;
  auto it = services_.find(service);
  if (it == services_.end()) return out;
  for (const auto& [unit, record] : it->second) out.push_back(record);
  return out;
}

std::vector<std::string> Catalog::services() const {
  std::vector<std::string> out;
  for (const auto& [service, units] : services_) out.push_back(service);
  return out;
}

void Catalog::lookup_linearizable(std::string_view service, LookupDone done) {
  if (service.empty() || service.find('/') != std::string_view::npos) {
    done(fail(Errc::kInvalidArgument, str("'", service, "' is not a service name")));
    return;
  }
  const Bytes key = kv::to_bytes(fleet::service_prefix(service));
  store_.call(kv::RangeRequest{key, kv::prefix_end(key)},
              [alive = alive_, name = std::string(service),
               done = std::move(done)](Result<kv::Response> result) {
                if (!*alive) return;
                if (!result) {
                  done(std::unexpected(result.error()));
                  return;
                }
                done(decode_services(std::get<kv::RangeResponse>(result->result).kvs, name));
              });
}

std::vector<fleet::ServiceRecord> decode_services(const std::vector<kv::KeyValue>& kvs,
                                                  std::string_view service) {
  std::vector<fleet::ServiceRecord> out;
  for (const kv::KeyValue& kv : kvs) {
    auto record = decode_at(kv::to_string(kv.key), kv);
    if (record && record->name == service) out.push_back(std::move(*record));
  }
  return out;
}

}  // namespace keel::discovery
