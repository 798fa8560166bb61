// Table prints as fleetctl's tabwriter does (minwidth 0, tabwidth 8, padding 1, padchar '\t').
#include "real/keelctl/table.h"

#include <gtest/gtest.h>

namespace keel::real::keelctl {
namespace {

// fleetctl list-machines, as fleet's README shows it.
TEST(KeelctlTable, ColumnsAsFleetctlListMachines) {
  Table table({"MACHINE", "IP", "METADATA"});
  table.add_row({"148a18ff...", "10.10.1.1", "-"});
  table.add_row({"491586a6...", "10.10.1.2", "region=us-west"});
  EXPECT_EQ(table.rows(), 2u);
  EXPECT_EQ(table.render(),
            "MACHINE\t\tIP\t\tMETADATA\n"
            "148a18ff...\t10.10.1.1\t-\n"
            "491586a6...\t10.10.1.2\tregion=us-west\n");
}

// A cell of 7 reaches column 8 with one tab; a cell of 8 needs the next tab stop, 16.
TEST(KeelctlTable, WidthsRoundUpToTabStopsAfterOneColumnOfPadding) {
  Table seven({"A", "B"});
  seven.add_row({"1234567", "x"});
  EXPECT_EQ(seven.render(), "A\tB\n1234567\tx\n");
  Table eight({"A", "B"});
  eight.add_row({"12345678", "x"});
  EXPECT_EQ(eight.render(), "A\t\tB\n12345678\tx\n");
}

TEST(KeelctlTable, WidthsCountCodePointsNotBytes) {
  Table table({"NAME", "X"});
  table.add_row({"\xc3\xa9t\xc3\xa9\xc3\xa9t\xc3\xa9", "y"});  // "étéété": 6 code points, 10 bytes
  EXPECT_EQ(table.render(), "NAME\tX\n\xc3\xa9t\xc3\xa9\xc3\xa9t\xc3\xa9\ty\n");
}

TEST(KeelctlTable, TabsAndNewlinesInACellBecomeSpaces) {
  Table table({"KEY", "VALUE"});
  table.add_row({"a\tb", "c\nd"});
  EXPECT_EQ(table.render(), "KEY\tVALUE\na b\tc d\n");
}

TEST(KeelctlTableDeathTest, ARowOfTheWrongWidthIsABug) {
  Table table({"A", "B"});
  EXPECT_DEATH(table.add_row({"only one"}), "a row of 1 cells in a table of 2 columns");
}

}  // namespace
}  // namespace keel::real::keelctl
