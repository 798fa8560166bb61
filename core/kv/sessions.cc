#include "core/kv/sessions.h"

#include "core/env/assert.h"

namespace keel::kv {

void Sessions::expire(std::int64_t now_ms) {
  while (!by_activity_.empty()) {
    const auto [active, client] = *by_activity_.begin();
    if (now_ms - active <= timeout_ms_) break;
    erase(sessions_.find(client));
  }
}

Sessions::Verdict Sessions::check(std::uint64_t client, std::uint64_t seq) const {
  KEEL_ASSERT(client != 0, "session check without a client");
  if (seq == 0) return Verdict::kInvalid;
  auto it = sessions_.find(client);
  if (it == sessions_.end()) return seq == 1 ? Verdict::kApply : Verdict::kUnknown;
  const Session& session = it->second;
  if (seq < session.last_seq) return Verdict::kStale;
  if (seq > session.last_seq) return Verdict::kApply;
  return session.reply ? Verdict::kReplay : Verdict::kRerun;
}

const Result<Response>& Sessions::reply(std::uint64_t client) const {
  auto it = sessions_.find(client);
  KEEL_ASSERT(it != sessions_.end() && it->second.reply, "no cached reply for client ", client);
  return *it->second.reply;
}

void Sessions::record(std::uint64_t client, std::uint64_t seq, std::int64_t now_ms,
                      std::optional<Result<Response>> reply) {
  auto it = sessions_.find(client);
  if (it == sessions_.end()) {
    if (sessions_.size() >= max_sessions_ && !by_activity_.empty()) {
      erase(sessions_.find(by_activity_.begin()->second));
    }
    it = sessions_.emplace(client, Session{}).first;
  } else {
    by_activity_.erase({it->second.last_active_ms, client});
  }
  it->second.last_seq = seq;
  it->second.last_active_ms = now_ms;
  it->second.reply = std::move(reply);
  by_activity_.emplace(now_ms, client);
}

void Sessions::restore(std::map<std::uint64_t, Session> sessions) {
  sessions_ = std::move(sessions);
  by_activity_.clear();
  for (const auto& [client, session] : sessions_)
    by_activity_.emplace(session.last_active_ms, client);
}

void Sessions::erase(std::map<std::uint64_t, Session>::iterator it) {
  KEEL_ASSERT(it != sessions_.end(), "erasing a missing session");
  by_activity_.erase({it->second.last_active_ms, it->first});
  sessions_.erase(it);
}

}  // namespace keel::kv
