#include "sim/report/client_ops_svg.h"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include "core/env/str.h"
#include "sim/report/html_text.h"

namespace keel::sim {
namespace {

constexpr double kLabelX = 10;
constexpr double kRowHeight = 14;
constexpr double kRowGap = 3;
constexpr double kUnknownHead = 6;  // px of solid bar before an unknown outcome's open tail
constexpr std::size_t kTitleBytes = 240;

std::string_view kind_class(KvOp::Kind kind) {
  switch (kind) {
    case KvOp::Kind::kGet:
      return "op-get";
    case KvOp::Kind::kPut:
      return "op-put";
    case KvOp::Kind::kCas:
      return "op-cas";
    case KvOp::Kind::kDelete:
      return "op-delete";
  }
  return "op-get";
}

// `next_invoked`: the client's next invocation (it gave up on this one then), or nullopt.
void draw_op(SvgCanvas& canvas, const TimeScale& scale, const KvOp& op, bool highlighted,
             std::optional<Time> next_invoked, double y) {
  const std::string title = clip(describe(op), kTitleBytes);
  const std::string bad = highlighted ? " op-bad" : "";
  const double x0 = scale.x(op.invoked);
  if (op.outcome == KvOp::Outcome::kUnknown) {
    // Hatched while the client waited, then a thin line on to the end: it may still take effect.
    const double plot_end = scale.left + scale.width;
    const double waited_to = next_invoked ? scale.x(*next_invoked) : plot_end;
    const double tail_from = x0 + kUnknownHead;
    if (waited_to < plot_end) {
      canvas.rect(waited_to, y + kRowHeight / 2 - 0.5, plot_end - waited_to, 1,
                  str("op-later", bad), title);
    }
    if (tail_from < waited_to) {
      canvas.rect(tail_from, y + kRowHeight / 2 - 3, waited_to - tail_from, 6, str("op-open", bad),
                  title);
    }
    canvas.rect(x0, y, kUnknownHead, kRowHeight, str("op ", kind_class(op.kind), bad), title);
    return;
  }
  const std::string kind(op.outcome == KvOp::Outcome::kFailed ? "op-refused" : kind_class(op.kind));
  canvas.rect(x0, y, scale.x(op.completed) - x0, kRowHeight, str("op ", kind, bad), title, 2);
}

// For each operation, the invocation of its client's next operation in the history.
std::vector<std::optional<Time>> next_invocations(const KvHistory& history) {
  std::vector<std::optional<Time>> next(history.size());
  std::map<int, Time> later;  // client -> the earliest invocation seen so far, going backwards
  for (std::size_t i = history.size(); i-- > 0;) {
    if (auto it = later.find(history[i].client); it != later.end()) next[i] = it->second;
    later[history[i].client] = history[i].invoked;
  }
  return next;
}

}  // namespace

double draw_client_rows(SvgCanvas& canvas, const TimeScale& scale, const KvHistory& history,
                        const OpSample& sample, const std::set<std::uint64_t>& highlighted,
                        double top) {
  std::map<int, std::size_t> row_of;  // client -> row
  for (std::size_t i : sample.drawn) row_of.emplace(history[i].client, 0);
  std::size_t rows = 0;
  for (auto& [client, row] : row_of) row = std::min(rows++, kMaxClientRows - 1);
  rows = std::min(rows, kMaxClientRows);
  auto row_y = [&](std::size_t row) {
    return top + static_cast<double>(row) * (kRowHeight + kRowGap);
  };
  for (std::size_t row = 0; row < rows; ++row) {
    canvas.rect(scale.left, row_y(row) - kRowGap / 2, scale.width, kRowHeight + kRowGap,
                row % 2 ? "lane odd" : "lane");
  }
  std::vector<std::string> labels(rows);
  for (const auto& [client, row] : row_of) {
    labels[row] = labels[row].empty() ? str("c", client) : "others";  // a shared last row
  }
  for (std::size_t row = 0; row < rows; ++row) {
    canvas.text(kLabelX, row_y(row) + kRowHeight - 2.5, "lane-label", labels[row]);
  }
  const std::vector<std::optional<Time>> next = next_invocations(history);
  // Highlighted operations last, so they are on top.
  for (const bool pass_highlighted : {false, true}) {
    for (std::size_t i : sample.drawn) {
      const KvOp& op = history[i];
      const bool is_highlighted = highlighted.contains(op.id);
      if (is_highlighted != pass_highlighted) continue;
      draw_op(canvas, scale, op, is_highlighted, next[i], row_y(row_of.at(op.client)));
    }
  }
  return rows == 0 ? top : row_y(rows) - kRowGap;
}

}  // namespace keel::sim
