#include "core/fleet/commands.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include "core/env/str.h"
#include "core/fleet/unit_file.h"

namespace keel::fleet {
namespace {

using TxnDone = std::function<void(Result<kv::TxnResponse>)>;

void run_txn(client::StoreClient& store, kv::TxnRequest txn, TxnDone done) {
  store.call(std::move(txn), [done = std::move(done)](Result<kv::Response> response) {
    if (!response) return done(std::unexpected(response.error()));
    done(std::get<kv::TxnResponse>(response->result));
  });
}

kv::Compare unit_exists(std::string_view unit) {
  return kv::Compare{kv::Compare::Target::kVersion,
                     kv::Compare::Op::kGreater,
                     kv::to_bytes(unit_key(unit)),
                     0,
                     {}};
}

kv::PutRequest put(std::string_view key, std::string_view value) {
  return kv::PutRequest{.key = kv::to_bytes(key), .value = kv::to_bytes(value)};
}

kv::RangeRequest get(std::string_view key) {
  kv::RangeRequest range;
  range.key = kv::to_bytes(key);
  return range;
}

kv::DeleteRangeRequest erase(std::string_view key) {
  kv::DeleteRangeRequest request;
  request.key = kv::to_bytes(key);
  return request;
}

std::unexpected<Error> never_submitted(std::string_view unit) {
  return fail(Errc::kNotFound, str("unit ", unit, " was never submitted (or is destroyed)"));
}

Result<UnitName> checked_name(std::string_view unit) {
  auto name = parse_unit_name(unit);
  if (!name) return fail(name.error().code, str("unit ", unit, ": ", name.error().message));
  return name;
}

// A txn guarded by "the unit is submitted", running `ops` if it is.
void on_submitted_unit(client::StoreClient& store, std::string_view unit,
                       std::vector<kv::TxnOp> ops, CommandDone done) {
  if (auto name = checked_name(unit); !name) return done(std::unexpected(name.error()));
  kv::TxnRequest txn{{unit_exists(unit)}, std::move(ops), {}};
  run_txn(store, std::move(txn),
          [unit = std::string(unit), done = std::move(done)](Result<kv::TxnResponse> response) {
            if (!response) return done(std::unexpected(response.error()));
            if (!response->succeeded) return done(never_submitted(unit));
            done({});
          });
}

void set_desired(client::StoreClient& store, std::string_view unit, DesiredState desired,
                 CommandDone done) {
  on_submitted_unit(store, unit, {put(desired_key(unit), to_string(desired))}, std::move(done));
}

}  // namespace

void submit_unit(client::StoreClient& store, std::string_view unit, std::string_view text,
                 CommandDone done) {
  auto name = checked_name(unit);
  if (!name) return done(std::unexpected(name.error()));
  if (name->is_template) {
    return done(fail(Errc::kInvalidArgument,
                     str("unit ", unit, " is a template: submit its instances with its text")));
  }
  if (auto parsed = parse_unit_file(unit, text); !parsed) {
    return done(fail(parsed.error().code, str("unit ", unit, ": ", parsed.error().message)));
  }
  const std::string key = unit_key(unit);
  kv::TxnRequest txn{
      {kv::Compare{
          kv::Compare::Target::kVersion, kv::Compare::Op::kEqual, kv::to_bytes(key), 0, {}}},
      {put(key, text), put(desired_key(unit), to_string(DesiredState::kInactive))},
      {get(key)}};
  run_txn(store, std::move(txn),
          [unit = std::string(unit), text = std::string(text),
           done = std::move(done)](Result<kv::TxnResponse> response) {
            if (!response) return done(std::unexpected(response.error()));
            if (response->succeeded) return done({});
            const auto& stored = std::get<kv::RangeResponse>(response->responses.at(0)).kvs;
            if (!stored.empty() && kv::to_string(stored.front().value) == text) return done({});
            done(fail(Errc::kAlreadyExists,
                      str("unit ", unit,
                          " is already submitted with different content; destroy it first")));
          });
}

void load_unit(client::StoreClient& store, std::string_view unit, CommandDone done) {
  set_desired(store, unit, DesiredState::kLoaded, std::move(done));
}

void start_unit(client::StoreClient& store, std::string_view unit, CommandDone done) {
  set_desired(store, unit, DesiredState::kLaunched, std::move(done));
}

void stop_unit(client::StoreClient& store, std::string_view unit, CommandDone done) {
  set_desired(store, unit, DesiredState::kLoaded, std::move(done));
}

void unload_unit(client::StoreClient& store, std::string_view unit, CommandDone done) {
  set_desired(store, unit, DesiredState::kInactive, std::move(done));
}

void destroy_unit(client::StoreClient& store, std::string_view unit, CommandDone done) {
  on_submitted_unit(store, unit, {erase(unit_key(unit)), erase(desired_key(unit))},
                    std::move(done));
}

// --- list-units ---

namespace {

struct Rows {
  std::map<std::string, UnitListing> units;
  std::map<std::string, std::map<std::string, UnitOnMachine>> machines;  // unit -> machine -> ..

  UnitListing& row(const std::string& unit) {
    UnitListing& listing = units[unit];
    listing.unit = unit;
    return listing;
  }
  UnitOnMachine& on(const std::string& unit, const std::string& machine) {
    row(unit);
    UnitOnMachine& entry = machines[unit][machine];
    entry.machine = machine;
    return entry;
  }
  void problem(const std::string& unit, std::string_view key, const Error& error) {
    row(unit).problems.push_back(str(key, ": ", error.message));
  }
};

void add_record(Rows& rows, const kv::KeyValue& kv) {
  const std::string key = kv::to_string(kv.key);
  const std::string value = kv::to_string(kv.value);
  if (auto unit = key_suffix(key, kUnitsPrefix)) {
    UnitListing& row = rows.row(*unit);
    row.submitted = true;
    row.file = value;
  } else if (auto desired_unit = key_suffix(key, kDesiredPrefix)) {
    auto desired = parse_desired_state(value);
    if (!desired) return rows.problem(*desired_unit, key, desired.error());
    rows.row(*desired_unit).desired = *desired;
  } else if (auto unplaced_unit = key_suffix(key, kUnplacedPrefix)) {
    auto reason = decode_unplaced(value);
    if (!reason) return rows.problem(*unplaced_unit, key, reason.error());
    rows.row(*unplaced_unit).unplaced = *reason;
  } else if (auto assigned = key_pair(key, kAssignPrefix)) {
    auto assignment = decode_assignment(value);
    if (!assignment) return rows.problem(assigned->second, key, assignment.error());
    rows.on(assigned->second, assigned->first).assigned = assignment->desired;
  } else if (auto reported = key_pair(key, kStatePrefix)) {
    auto state = decode_unit_state(value);
    if (!state) return rows.problem(reported->second, key, state.error());
    rows.on(reported->second, reported->first).reported = *state;
  }
}

std::string describe(const UnitState& state) {
  std::string text(to_string(state.state));
  if (state.state == ActiveState::kFailed) text += str(" (exit ", state.exit_code, ")");
  if (state.restarts > 0) text += str(" restarts=", state.restarts);
  return text;
}

// What a line of list-units notes: the row's problems and, on a machine's line, why the unit
// failed there (the agent's reason, e.g. the container backend's refusal).
std::string note(const UnitListing& row, const UnitOnMachine* on = nullptr) {
  std::vector<std::string> parts;
  if (on != nullptr && on->reported && !on->reported->reason.empty()) {
    parts.push_back(on->reported->reason);
  }
  if (!row.submitted) parts.push_back("not submitted");
  if (!row.unplaced.empty()) parts.push_back(str("unplaced: ", row.unplaced));
  parts.insert(parts.end(), row.problems.begin(), row.problems.end());
  std::string text;
  for (const std::string& part : parts) text += text.empty() ? part : str("; ", part);
  return text.empty() ? "-" : text;
}

}  // namespace

std::vector<UnitListing> list_units(const std::vector<kv::KeyValue>& fleet) {
  Rows rows;
  for (const kv::KeyValue& kv : fleet) add_record(rows, kv);
  std::vector<UnitListing> result;
  for (auto& [unit, listing] : rows.units) {
    for (auto& [machine, entry] : rows.machines[unit]) listing.machines.push_back(entry);
    result.push_back(std::move(listing));
  }
  return result;
}

std::string format_unit_list(const std::vector<UnitListing>& rows) {
  using Line = std::array<std::string, 6>;
  std::vector<Line> lines = {{"UNIT", "DESIRED", "MACHINE", "ASSIGNED", "STATE", "NOTE"}};
  for (const UnitListing& row : rows) {
    const std::string desired(row.submitted ? to_string(row.desired) : "-");
    if (row.machines.empty()) lines.push_back({row.unit, desired, "-", "-", "-", note(row)});
    for (const UnitOnMachine& m : row.machines) {
      lines.push_back({row.unit, desired, m.machine,
                       m.assigned ? std::string(to_string(*m.assigned)) : "-",
                       m.reported ? describe(*m.reported) : "-", note(row, &m)});
    }
  }
  std::array<std::size_t, 6> width{};
  for (const Line& line : lines) {
    for (std::size_t i = 0; i < line.size(); ++i) width[i] = std::max(width[i], line[i].size());
  }
  std::string table;
  for (const Line& line : lines) {
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
      table += line[i] + std::string(width[i] - line[i].size() + 2, ' ');
    }
    table += line.back() + "\n";
  }
  return table;
}

}  // namespace keel::fleet
