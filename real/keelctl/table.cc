#include "real/keelctl/table.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel::real::keelctl {
namespace {

constexpr std::size_t kTabWidth = 8;
constexpr std::size_t kPadding = 1;

// Code points of UTF-8 text: every byte that is not a continuation byte (10xxxxxx) starts one.
std::size_t display_width(const std::string& text) {
  return static_cast<std::size_t>(std::ranges::count_if(
      text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string without_layout_characters(std::string cell) {
  std::ranges::replace(cell, '\t', ' ');
  std::ranges::replace(cell, '\n', ' ');
  return cell;
}

}  // namespace

Table::Table(std::vector<std::string> header) {
  KEEL_ASSERT(!header.empty(), "a table needs at least one column");
  add_row(std::move(header));
}

void Table::add_row(std::vector<std::string> cells) {
  KEEL_ASSERT(rows_.empty() || cells.size() == rows_.front().size(), "a row of ", cells.size(),
              " cells in a table of ", rows_.front().size(), " columns");
  for (std::string& cell : cells) cell = without_layout_characters(std::move(cell));
  rows_.push_back(std::move(cells));
}

std::string Table::render() const {
  const std::size_t columns = rows_.front().size();
  std::vector<std::size_t> widths(columns, 0);
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c + 1 < columns; ++c) {
      widths[c] = std::max(widths[c], display_width(row[c]) + kPadding);
    }
  }
  for (std::size_t& width : widths) width = (width + kTabWidth - 1) / kTabWidth * kTabWidth;

  std::string text;
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c + 1 < columns; ++c) {
      text += row[c];
      const std::size_t gap = widths[c] - display_width(row[c]);
      text.append((gap + kTabWidth - 1) / kTabWidth, '\t');
    }
    text += row.back();
    text += '\n';
  }
  return text;
}

}  // namespace keel::real::keelctl
