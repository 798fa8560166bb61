// Table: rows of cells printed the way fleetctl prints its tables (list-machines, list-units).
// fleetctl writes them through Go's text/tabwriter set up with minwidth 0, tabwidth 8, padding 1,
// padchar '\t' and no flags (fleetctl/fleetctl.go, `out.Init(os.Stdout, 0, 8, 1, '\t', 0)`), so:
//   - every column but the last is as wide as its widest cell plus 1, rounded up to a multiple
//     of 8, and a cell is followed by as many tabs as reach the next column;
//   - the last column is written as it is, and each row ends with '\n'.
// Widths count Unicode code points of UTF-8 text, as tabwriter does. A tab or newline inside a
// cell would break the layout, so each is shown as one space.
#pragma once

#include <string>
#include <vector>

namespace keel::real::keelctl {

class Table {
 public:
  explicit Table(std::vector<std::string> header);

  // A row with exactly as many cells as the header (asserted).
  void add_row(std::vector<std::string> cells);
  std::size_t rows() const { return rows_.size() - 1; }

  std::string render() const;

 private:
  std::vector<std::vector<std::string>> rows_;  // the header first
};

}  // namespace keel::real::keelctl
