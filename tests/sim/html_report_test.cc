#include "sim/report/html_report.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/env/str.h"
#include "sim/cluster.h"
#include "sim/report/timeline.h"
#include "tests/sim/report/sample_run.h"

namespace keel::sim {
namespace {

using namespace std::chrono_literals;

std::size_t count(const std::string& text, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The chart alone (the legend's swatches use the same classes).
std::string chart_of(const std::string& html) {
  const std::size_t begin = html.find("<svg viewBox");
  return begin == std::string::npos ? "" : html.substr(begin, html.find("</svg>", begin) - begin);
}

bool has(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

TraceRecord at(Duration when, std::string machine, std::string text) {
  return TraceRecord{Time(when), Time(when), std::move(machine), std::move(text)};
}

KvOp op(std::uint64_t id, int client, KvOp::Kind kind, std::string key, Duration invoked,
        Duration completed, KvOp::Outcome outcome) {
  KvOp o;
  o.id = id;
  o.client = client;
  o.kind = kind;
  o.key = std::move(key);
  o.value = "v";
  o.invoked = Time(invoked);
  o.completed = Time(completed);
  o.outcome = outcome;
  return o;
}

ReportInput hand_made() {
  ReportInput input;
  input.scenario = "leader <crash> & \"partition\"";
  input.description = "a hand-made run";
  input.seed = 42;
  input.passed = false;
  input.verdict = "linearizability violation: get k1 read a stale value";
  input.repro = "keelsim run s.yaml --seed 42";
  input.end = Time(10s);
  input.machines = {"n1", "n2", "n3"};
  input.records = {
      at(0s, "n1", "node.recovered term=0 commit=0 snapshot=0 last=0"),
      at(1s, "n1", "raft.role role=candidate term=2 leader=0"),
      at(1200ms, "n1", "raft.role role=leader term=2 leader=1"),
      at(3s, "sim", "sim.crash machine=n2 disk=lose-unsynced"),
      at(4s, "sim", "sim.restart machine=n2"),
      at(5s, "sim", "sim.partition groups=\"n1 | n2,n3\""),
      at(6s, "sim", "sim.heal"),
  };
  input.history = {
      op(1, 1, KvOp::Kind::kPut, "k1", 1s, 1500ms, KvOp::Outcome::kOk),
      op(2, 2, KvOp::Kind::kGet, "k1", 2s, 2100ms, KvOp::Outcome::kOk),
      op(3, 1, KvOp::Kind::kCas, "k1", 3s, 0s, KvOp::Outcome::kUnknown),
      op(4, 2, KvOp::Kind::kPut, "k2", 5s, 5100ms, KvOp::Outcome::kFailed),
      op(5, 3, KvOp::Kind::kGet, "<script>alert(1)</script>", 6s, 6200ms, KvOp::Outcome::kOk),
  };
  input.history[4].read = "v";
  input.highlighted = {5, 1};
  input.summary = {{"elections", 1}};
  return input;
}

TEST(HtmlReport, DrawsLanesSpansFaultsAndOperations) {
  const std::string html = render_html_report(hand_made());
  const std::string chart = chart_of(html);
  // Lanes, with the leader's term written on its span.
  for (const char* lane : {">n1</text>", ">n2</text>", ">n3</text>"}) EXPECT_TRUE(has(chart, lane));
  EXPECT_TRUE(
      has(chart, "class=\"role role-leader\"><title>n1 leader in term 2\n1.200s – end of run"));
  EXPECT_TRUE(has(chart, ">term 2</text>"));
  EXPECT_TRUE(has(chart, "class=\"role role-candidate\""));
  // The crash: a down span on n2's lane and a fault bar; the partition marks n1 only.
  EXPECT_TRUE(has(chart,
                  "class=\"state state-down\"><title>n2 down (disk: lose-unsynced)\n"
                  "3.000s – 4.000s (1.000s)"));
  EXPECT_TRUE(has(chart, ">crash n2</text>"));
  EXPECT_TRUE(has(chart, ">partition n1 | n2,n3</text>"));
  EXPECT_EQ(count(chart, "class=\"band band-partition\""), 1u);
  // Operations: one bar each by kind, the unknown one open-ended, the refused one grey.
  EXPECT_EQ(count(chart, "class=\"op op-get\""), 1u);  // #2; #5 is highlighted
  EXPECT_EQ(count(chart, "class=\"op op-cas\""), 1u);
  EXPECT_EQ(count(chart, "class=\"op-open\""), 1u);
  EXPECT_EQ(count(chart, "class=\"op op-refused\""), 1u);
  EXPECT_EQ(count(chart, "class=\"op op-get op-bad\""), 1u);
  EXPECT_EQ(count(chart, "class=\"op op-put op-bad\""), 1u);
  EXPECT_EQ(count(chart, "class=\"guide\""), 2u);
  // The highlighted table lists both with their describe() line, in history order.
  EXPECT_TRUE(has(html, "Highlighted operations (2)"));
  const std::size_t first = html.find("#1 c1 put k1=v -&gt; ok [1s, 1.5s]");
  const std::size_t fifth = html.find("#5 c3 get &lt;script&gt;");
  EXPECT_NE(first, std::string::npos);
  EXPECT_NE(fifth, std::string::npos);
  EXPECT_LT(first, fifth);
  EXPECT_TRUE(has(html, "verdict fail"));
  EXPECT_TRUE(has(html, "elections"));
}

TEST(HtmlReport, EscapesEveryStringAndLoadsNothingFromOutside) {
  const std::string html = render_html_report(hand_made());
  EXPECT_FALSE(has(html, "<script"));
  EXPECT_FALSE(has(html, "<crash>"));
  EXPECT_TRUE(has(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_TRUE(has(html, "leader &lt;crash&gt; &amp; &quot;partition&quot;"));
  for (const char* outside : {"http:", "https:", "src=", "<link", "@import", "url(http"}) {
    EXPECT_FALSE(has(html, outside)) << outside;
  }
  EXPECT_TRUE(html.starts_with("<!DOCTYPE html>"));
  EXPECT_TRUE(html.ends_with("</html>\n"));
}

TEST(HtmlReport, SaysWhatIsMissing) {
  ReportInput input;
  input.machines = {"n1"};
  input.highlighted = {77};
  input.records = {at(1s, "n1", "not a record")};
  const std::string html = render_html_report(input);
  EXPECT_TRUE(has(html, "ids not in the history: #77"));
  EXPECT_TRUE(has(html, "1 trace records could not be read"));
  EXPECT_TRUE(has(html, "no client operations"));
  EXPECT_TRUE(has(html, "no faults were injected"));
  EXPECT_TRUE(has(render_html_report(ReportInput{}), "No trace records"));
}

TEST(HtmlReport, SamplesOperationsAndDrawsRoleChurnAsOneSpan) {
  ReportInput input;
  input.machines = {"n1", "n2", "n3"};
  for (std::uint64_t i = 1; i <= 20000; ++i) {
    input.history.push_back(op(i, static_cast<int>(i % 5), KvOp::Kind::kPut, "k",
                               Duration(i * 1'000'000), Duration(i * 1'000'000 + 500'000),
                               KvOp::Outcome::kOk));
    input.records.push_back(at(Duration(i * 1'000'000), str("n", 1 + i % 3),
                               i % 2 ? "raft.role role=candidate term=1 leader=0"
                                     : "raft.role role=leader term=1 leader=0"));
  }
  input.highlighted = {19999, 7};
  ReportLimits limits;
  limits.max_ops = 500;
  const std::string html = render_html_report(input, limits);
  const std::string chart = chart_of(html);
  // The 2 highlighted ones, then one in 41 of the other 19998 (ceil(19998 / 498)): 488 more.
  EXPECT_EQ(count(chart, "class=\"op op-put"), 490u);
  EXPECT_EQ(count(chart, "op-bad"), 2u);
  EXPECT_TRUE(has(html,
                  "Drawn: 490 of 20000 operations, the highlighted ones first, then one in 41 "
                  "of the others."));
  // 3 ms spans on a 20 s axis are narrower than a pixel: one churn span per lane.
  EXPECT_EQ(count(chart, "class=\"role "), 3u);
  EXPECT_EQ(count(chart,
                  "class=\"role role-churn\"><title>n1: 6666 role changes too close to "
                  "draw apart (3333 as leader)"),
            1u);
  EXPECT_LT(html.size(), 400'000u);
}

TEST(HtmlReport, CapsTheChartElements) {
  ReportInput input;
  input.machines = {"n1", "n2", "n3"};
  for (int i = 0; i < 600; ++i) {  // 600 spans of 3 s, 7 px wide each
    input.records.push_back(at(std::chrono::seconds(i), str("n", 1 + i % 3),
                               str("raft.role role=follower term=", i, " leader=0")));
  }
  ReportLimits limits;
  limits.max_chart_elements = 100;
  const std::string html = render_html_report(input, limits);
  EXPECT_EQ(count(chart_of(html), "class=\"role "), 100u);  // no faults: all went to roles
  EXPECT_TRUE(has(html, "500 lane and fault spans were not drawn (over the limit of 100)"));
}

// A short real run: a crash and a partition injected with World calls.
TEST(HtmlReport, ReportsARealRunWithItsLeaderAndCrash) {
  ClusterOptions options;
  options.record_trace = true;
  Cluster cluster(7, options);
  cluster.start_clients(ClientOptions{});
  World& world = cluster.world();
  world.run_for(2s);
  const NodeId leader = cluster.leader();
  ASSERT_NE(leader, kNoNode);
  world.crash(leader);
  world.run_for(1s);
  world.restart(leader);
  world.run_for(1s);
  world.isolate(leader);
  world.run_for(1s);
  world.heal();
  world.run_for(1s);

  ReportInput input;
  input.scenario = "crash and partition";
  input.end = world.now();
  for (NodeId id : world.host_ids()) input.machines.push_back(world.host(id).name());
  input.records = world.trace().records();
  const std::string name = world.host(leader).name();

  const Timeline timeline = build_timeline(input.records, input.machines, input.end);
  const MachineLane& lane = timeline.lanes[leader - 1];
  ASSERT_EQ(lane.states.size(), 1u);
  EXPECT_EQ(lane.states[0].state, MachineState::kDown);
  EXPECT_EQ(lane.states[0].begin, Time(2s));
  EXPECT_EQ(lane.states[0].end, Time(3s));
  EXPECT_EQ(timeline.unreadable, 0u);

  const std::string html = render_html_report(input);
  EXPECT_TRUE(has(html, str("<title>", name, " leader in term ")));
  EXPECT_TRUE(has(html, str("<title>", name, " down (disk: lose-unsynced)\n2.000s – 3.000s")));
  EXPECT_TRUE(has(html, str(">crash ", name, "</text>")));
  EXPECT_TRUE(has(html, str(">partition ", name, " | ")));
}

// A run with a fault of each kind; the page is written out to look at.
TEST(HtmlReport, ReportsEveryFaultKindOfANemesisRun) {
  ReportInput input = sample_report_input(3);
  ASSERT_GT(input.history.size(), 100u);
  // A made-up failing set, to show how one is drawn: three answered operations after 7.2s.
  input.passed = false;
  input.verdict = "example verdict: three operations highlighted by hand (not a real violation)";
  for (const KvOp& op : input.history) {
    if (op.invoked >= Time(7200ms) && op.outcome == KvOp::Outcome::kOk &&
        input.highlighted.size() < 3) {
      input.highlighted.push_back(op.id);
    }
  }
  const std::string html = render_html_report(input);
  for (const char* kind : {"fault-partition", "fault-crash", "fault-pause", "fault-clock",
                           "fault-disk", "fault-links"}) {
    EXPECT_TRUE(has(html, str("class=\"fault ", kind))) << kind;
  }
  EXPECT_TRUE(has(html, ">disk stall "));  // ended by the recorded disk-stall-end
  EXPECT_TRUE(has(html, "Highlighted operations (3)"));
  const std::string path = ::testing::TempDir() + "keel_report_sample.html";
  std::ofstream(path) << html;
  std::cout << "sample report: " << path << "\n";
}

}  // namespace
}  // namespace keel::sim
