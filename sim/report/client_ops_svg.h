// Draws the client operations of a KvHistory (sim/checkers/kv_history.h) onto the report's
// chart: one row per client, each operation a bar from its invocation to its completion,
// coloured by kind (get, put, cas, delete); a refused one grey; one with an unknown outcome
// open-ended (it may take effect at any instant after its invocation: Porcupine's reading): a
// short solid head, hatched until the client's next invocation (it gave up then), then a thin
// line to the end of the run; highlighted ones red, drawn on top.
// Hover titles carry the operation's describe() line.
#pragma once

#include <cstdint>
#include <set>

#include "sim/checkers/kv_history.h"
#include "sim/report/op_sample.h"
#include "sim/report/svg_canvas.h"

namespace keel::sim {

// Past this many clients, the rest share the last row.
inline constexpr std::size_t kMaxClientRows = 48;

// Returns the y just below the rows.
double draw_client_rows(SvgCanvas& canvas, const TimeScale& scale, const KvHistory& history,
                        const OpSample& sample, const std::set<std::uint64_t>& highlighted,
                        double top);

}  // namespace keel::sim
