// Member attributes in the store (etcd's publish of a member's name and client URLs through a Raft
// request, so that /v2/members on any member lists every member's client URLs): each member puts
// its client URL at /keel/members/<name> once it can, retrying until the store takes it.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/client/store_client.h"
#include "core/env/env.h"
#include "core/kv/store.h"

namespace keel::node {

inline constexpr std::string_view kMemberAttributesPrefix = "/keel/members/";

class MemberAttributesPublisher {
 public:
  // Puts `client_url` at /keel/members/<name> through `store`, retrying every `retry` until it
  // is written (the write is idempotent). Destroying the publisher stops it.
  MemberAttributesPublisher(Env& env, client::StoreClient& store, std::string name,
                            std::string client_url, Duration retry = std::chrono::seconds(1));
  ~MemberAttributesPublisher();
  bool published() const { return published_; }

 private:
  void publish();

  Env& env_;
  client::StoreClient& store_;
  std::string name_;
  std::string client_url_;
  Duration retry_;
  bool published_ = false;
  TimerId retry_timer_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

// The client URL a member published, from a member's applied store (a serializable read).
std::optional<std::string> published_client_url(const kv::Store& store, std::string_view name);

}  // namespace keel::node
