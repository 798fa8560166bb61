#include "real/keelctl/journal_follow.h"

#include <thread>

#include "core/env/str.h"
#include "real/http/journal_api.h"
#include "real/keelctl/journal_client.h"

namespace keel::real::keelctl {

Status follow_journal(const VerbCall& call, const HttpUrl& url, const std::string& unit,
                      std::uint64_t offset, Duration interval,
                      const std::function<bool()>& stopped) {
  while (!stopped()) {
    auto piece = get_journal(call, url, unit, str("offset=", offset));
    if (!piece) return std::unexpected(piece.error());
    if (!piece->log_offset) {
      return fail(Errc::kCorrupt, str("the journal of ", unit, " answered without its ",
                                      http::kLogOffsetHeader, " header"));
    }
    call.out << piece->body << std::flush;
    offset = *piece->log_offset;
    if (piece->body.size() < http::kMaxJournalPieceBytes) std::this_thread::sleep_for(interval);
  }
  return {};
}

}  // namespace keel::real::keelctl
