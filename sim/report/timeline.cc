#include "sim/report/timeline.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <numeric>

#include "core/env/str.h"
#include "sim/report/html_text.h"
#include "sim/report/trace_text.h"

namespace keel::sim {
namespace {

constexpr std::int64_t kTrueRatePpm = 1'000'000;  // SimClock::kOneRate

std::vector<std::vector<std::string>> split_groups(std::string_view text) {
  std::vector<std::vector<std::string>> groups(1);
  std::string name;
  auto finish_name = [&] {
    if (!name.empty()) groups.back().push_back(name);
    name.clear();
  };
  for (const char c : text) {
    if (c == '|') {
      finish_name();
      groups.emplace_back();
    } else if (c == ',') {
      finish_name();
    } else if (c != ' ') {
      name += c;
    }
  }
  finish_name();
  return groups;
}

// The machines outside the strictly largest group (all of `machines` when there is none).
std::vector<std::string> cut_off(const std::vector<std::vector<std::string>>& groups,
                                 const std::vector<std::string>& machines) {
  std::size_t largest = 0, size = 0, count_of_size = 0;
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (groups[g].size() > size) {
      largest = g;
      size = groups[g].size();
      count_of_size = 1;
    } else if (groups[g].size() == size) {
      ++count_of_size;
    }
  }
  if (count_of_size != 1) return {};
  std::vector<std::string> out;
  auto outside = [&](const std::string& m) {
    return std::find(groups[largest].begin(), groups[largest].end(), m) == groups[largest].end() &&
           std::find(out.begin(), out.end(), m) == out.end();
  };
  for (const auto& group : groups) {
    for (const std::string& m : group) {
      if (outside(m)) out.push_back(m);
    }
  }
  for (const std::string& m : machines) {
    if (outside(m)) out.push_back(m);  // in no group: sees nobody
  }
  return out;
}

std::string percent(std::int64_t ppm) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g%%", static_cast<double>(ppm) / 1e4);
  return buffer;
}

std::string milliseconds(std::int64_t ns) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%gms", static_cast<double>(ns) / 1e6);
  return buffer;
}

class Builder {
 public:
  Builder(const std::vector<std::string>& machines, Time end) : end_(end), machines_(machines) {
    for (const std::string& m : machines) {
      if (tracks_.contains(m)) continue;  // a repeated name gets no second lane
      tracks_[m].lane = timeline_.lanes.size();
      timeline_.lanes.push_back(MachineLane{m, {}, {}});
    }
  }

  void read(const TraceRecord& record) {
    Result<TraceText> parsed = parse_trace_text(record.text);
    if (!parsed) {
      if (timeline_.unreadable++ == 0) timeline_.first_unreadable = parsed.error().message;
      return;
    }
    now_ = record.world_time;
    if (parsed->component == "sim") return simulator_event(*parsed);
    auto track = tracks_.find(record.machine);
    if (track != tracks_.end()) machine_event(track->second, *parsed);
  }

  Timeline finish() {
    now_ = std::max(now_, end_);
    for (auto& [name, track] : tracks_) {
      MachineLane& lane = timeline_.lanes[track.lane];
      for (auto* open : {&track.down, &track.paused, &track.stopped}) {
        if (*open) close_state(lane, *open, true);
      }
      if (track.role) close_role(lane, track, true);
    }
    for (std::size_t i = 0; i < timeline_.faults.size(); ++i) {
      if (!closed_[i]) close_fault(i, true);
    }
    return std::move(timeline_);
  }

 private:
  using Open = std::optional<std::size_t>;  // index of a span still open
  struct Track {
    std::size_t lane = 0;
    Open role, down, paused, stopped;
  };
  // Per machine, faults open on it (also for machines without a lane).
  struct MachineFaults {
    Open crash, pause, stall, offset, rate;
    std::int64_t offset_ns = 0;
  };

  void simulator_event(const TraceText& e) {
    const std::string machine(e.field("machine").value_or(""));
    MachineFaults& faults = machine_faults_[machine];
    Track* track = nullptr;
    if (auto it = tracks_.find(machine); it != tracks_.end()) track = &it->second;
    if (e.event == "crash") {
      const std::string disk(e.field("disk").value_or("lose-unsynced"));
      if (track) {
        MachineLane& lane = timeline_.lanes[track->lane];
        if (track->role) close_role(lane, *track, false);
        if (track->paused) close_state(lane, track->paused, false);
        if (track->stopped) close_state(lane, track->stopped, false);
        if (!track->down) track->down = open_state(lane, MachineState::kDown, "disk: " + disk);
      }
      if (faults.pause) close_fault_slot(faults.pause);
      if (!faults.crash) {
        faults.crash = open_fault(
            FaultKind::kCrash,
            str("crash ", machine, disk == "lose-unsynced" ? "" : " (disk: " + disk + ")"),
            {machine});
      }
    } else if (e.event == "restart") {
      if (track && track->down) close_state(timeline_.lanes[track->lane], track->down, false);
      if (faults.crash) close_fault_slot(faults.crash);
    } else if (e.event == "pause") {
      if (track && !track->paused) {
        track->paused = open_state(timeline_.lanes[track->lane], MachineState::kPaused, "");
      }
      if (!faults.pause)
        faults.pause = open_fault(FaultKind::kPause, "pause " + machine, {machine});
    } else if (e.event == "resume") {
      if (track && track->paused) close_state(timeline_.lanes[track->lane], track->paused, false);
      if (faults.pause) close_fault_slot(faults.pause);
    } else if (e.event == "partition") {
      end_partitions();
      if (const auto groups = e.field("groups")) {
        partitions_.push_back(open_fault(FaultKind::kPartition, str("partition ", *groups),
                                         cut_off(split_groups(*groups), machines_)));
      } else {
        partitions_.push_back(
            open_fault(FaultKind::kPartition,
                       str("partition (", e.field("kind").value_or("?"), ", ",
                           e.field("blocked_links").value_or("?"), " directions cut)"),
                       {}));
      }
    } else if (e.event == "block") {
      const std::string from(e.field("from").value_or("?")), to(e.field("to").value_or("?"));
      partitions_.push_back(
          open_fault(FaultKind::kPartition, str("block ", from, " → ", to), {from, to}));
    } else if (e.event == "heal") {
      end_partitions();
    } else if (e.event == "network") {
      links_event(e);
    } else if (e.event == "clock-step") {
      faults.offset_ns += e.number("offset_ns").value_or(0);
      if (faults.offset) close_fault_slot(faults.offset);
      if (faults.offset_ns != 0) {
        const Duration offset(faults.offset_ns);
        faults.offset = open_fault(
            FaultKind::kClock,
            str("clock ", machine, " ", offset.count() > 0 ? "+" : "", seconds_text(offset)),
            {machine});
      }
    } else if (e.event == "clock-rate") {
      const std::int64_t ppm = e.number("ppm").value_or(kTrueRatePpm);
      if (faults.rate) close_fault_slot(faults.rate);
      if (ppm != kTrueRatePpm) {
        char rate[32];
        std::snprintf(rate, sizeof rate, "×%.3f", static_cast<double>(ppm) / 1e6);
        faults.rate =
            open_fault(FaultKind::kClock, str("clock ", machine, " rate ", rate), {machine});
      }
    } else if (e.event == "disk-stall") {
      if (!faults.stall) {
        faults.stall = open_fault(FaultKind::kDisk, "disk stall " + machine, {machine});
      }
    } else if (e.event == "disk-stall-end") {
      if (faults.stall) close_fault_slot(faults.stall);
    }
  }

  void links_event(const TraceText& e) {
    const std::string label = str("links drop ", percent(e.number("drop_ppm").value_or(0)), " dup ",
                                  percent(e.number("duplicate_ppm").value_or(0)), " latency ",
                                  milliseconds(e.number("latency_low_ns").value_or(0)), "–",
                                  milliseconds(e.number("latency_high_ns").value_or(0)));
    if (!links_baseline_ && now_ == Time{}) {
      links_baseline_ = label;
      return;
    }
    if (links_) close_fault_slot(links_);
    if (label != links_baseline_) links_ = open_fault(FaultKind::kLinks, label, {});
  }

  void machine_event(Track& track, const TraceText& e) {
    MachineLane& lane = timeline_.lanes[track.lane];
    if (track.down) return;  // a crashed machine reports nothing; stay consistent if it did
    if (e.component == "raft" && e.event == "role") {
      open_role(lane, track, std::string(e.field("role").value_or("?")), e.number("term"));
    } else if (e.component == "node" && e.event == "recovered") {
      if (track.stopped) close_state(lane, track.stopped, false);
      open_role(lane, track, "follower", e.number("term"));
    } else if (e.component == "node" && (e.event == "stopped" || e.event == "failed-to-start")) {
      if (track.role) close_role(lane, track, false);
      if (!track.stopped) {
        track.stopped = open_state(lane, MachineState::kStopped,
                                   std::string(e.field("reason").value_or(e.event)));
      }
    }
  }

  void open_role(MachineLane& lane, Track& track, std::string role,
                 std::optional<std::int64_t> term) {
    if (track.role) close_role(lane, track, false);
    track.role = lane.roles.size();
    lane.roles.push_back(RoleSpan{std::move(role), term, now_, now_, false});
  }
  void close_role(MachineLane& lane, Track& track, bool open) {
    RoleSpan& span = lane.roles[*track.role];
    span.end = now_;
    span.open = open;
    track.role.reset();
  }

  std::size_t open_state(MachineLane& lane, MachineState state, std::string detail) {
    lane.states.push_back(StateSpan{state, now_, now_, false, std::move(detail)});
    return lane.states.size() - 1;
  }
  void close_state(MachineLane& lane, Open& slot, bool open) {
    StateSpan& span = lane.states[*slot];
    span.end = now_;
    span.open = open;
    slot.reset();
  }

  std::size_t open_fault(FaultKind kind, std::string label, std::vector<std::string> machines) {
    timeline_.faults.push_back(
        FaultSpan{kind, std::move(label), now_, now_, false, std::move(machines)});
    closed_.push_back(false);
    return timeline_.faults.size() - 1;
  }
  void close_fault(std::size_t index, bool open) {
    FaultSpan& span = timeline_.faults[index];
    span.end = now_;
    span.open = open;
    closed_[index] = true;
  }
  void close_fault_slot(Open& slot) {
    close_fault(*slot, false);
    slot.reset();
  }
  void end_partitions() {
    for (std::size_t index : partitions_) close_fault(index, false);
    partitions_.clear();
  }

  Time end_;
  Time now_{};
  std::vector<std::string> machines_;
  Timeline timeline_;         // faults are opened, so stored, in time order
  std::vector<bool> closed_;  // per fault
  std::map<std::string, Track, std::less<>> tracks_;
  std::map<std::string, MachineFaults> machine_faults_;
  std::vector<std::size_t> partitions_;  // the partition and blocks in force
  Open links_;
  std::optional<std::string> links_baseline_;
};

}  // namespace

Timeline build_timeline(const std::vector<TraceRecord>& records,
                        const std::vector<std::string>& machines, Time end) {
  std::vector<std::size_t> order(records.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return records[a].world_time < records[b].world_time;
  });
  Builder builder(machines, end);
  for (std::size_t i : order) builder.read(records[i]);
  return builder.finish();
}

std::string_view to_string(MachineState state) {
  switch (state) {
    case MachineState::kDown:
      return "down";
    case MachineState::kPaused:
      return "paused";
    case MachineState::kStopped:
      return "stopped";
  }
  return "?";
}

std::string_view to_string(FaultKind kind) {
  switch (kind) {
    case FaultKind::kPartition:
      return "partition";
    case FaultKind::kCrash:
      return "crash";
    case FaultKind::kPause:
      return "pause";
    case FaultKind::kClock:
      return "clock";
    case FaultKind::kDisk:
      return "disk";
    case FaultKind::kLinks:
      return "links";
  }
  return "?";
}

}  // namespace keel::sim
