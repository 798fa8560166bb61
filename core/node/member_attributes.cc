#include "core/node/member_attributes.h"

#include "core/env/str.h"

namespace keel::node {

MemberAttributesPublisher::MemberAttributesPublisher(Env& env, client::StoreClient& store,
                                                     std::string name, std::string client_url,
                                                     Duration retry)
    : env_(env),
      store_(store),
      name_(std::move(name)),
      client_url_(std::move(client_url)),
      retry_(retry) {
  publish();
}

MemberAttributesPublisher::~MemberAttributesPublisher() {
  *alive_ = false;
  env_.clock.cancel(retry_timer_);
}

void MemberAttributesPublisher::publish() {
  kv::PutRequest put;
  put.key = kv::to_bytes(str(kMemberAttributesPrefix, name_));
  put.value = kv::to_bytes(client_url_);
  store_.call(std::move(put), [this, alive = alive_](Result<kv::Response> result) {
    if (!*alive) return;
    if (result) {
      published_ = true;
      env_.emit("node", "published", {{"name", name_}, {"client_url", client_url_}});
      return;
    }
    retry_timer_ = env_.clock.after(retry_, [this] { publish(); });
  });
}

std::optional<std::string> published_client_url(const kv::Store& store, std::string_view name) {
  kv::RangeRequest range;
  range.key = kv::to_bytes(str(kMemberAttributesPrefix, name));
  auto found = store.range(range);
  if (!found || found->kvs.empty()) return std::nullopt;
  return kv::to_string(found->kvs.front().value);
}

}  // namespace keel::node
