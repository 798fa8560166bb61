// Following a unit's log on its machine, as `tail -f` and `journalctl -f` do: polls
// GET /fleet/v1/journal/<unit>?offset=K (real/http/journal_api.h) from `offset`, prints each piece
// of whole lines to call.out as it comes (flushed), and asks from the offset the answer names.
//
// Contract: a poll goes out every `interval` (a piece that filled kMaxJournalPieceBytes is
// followed at once: more is waiting), so an idle log costs one small request per interval and no
// CPU in between; `stopped` is checked before each poll and the follow returns {} once it is true.
// A poll that fails ends the follow with its error (the machine went away, the unit's log is
// gone); a rotated log is followed from the start of its new file (container_log.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/env/error.h"
#include "core/env/types.h"
#include "real/keelctl/http_url.h"
#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

Status follow_journal(const VerbCall& call, const HttpUrl& url, const std::string& unit,
                      std::uint64_t offset, Duration interval,
                      const std::function<bool()>& stopped);

}  // namespace keel::real::keelctl
