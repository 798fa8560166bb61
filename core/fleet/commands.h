// The fleetctl verbs as operations on the store (schema.h's layout), over any StoreClient: what
// `keelctl submit|load|start|stop|unload|destroy|list-units` does. Users write only the unit file
// and its desired state; the engine (engine.h) places what is loaded or launched, and the agents
// run it.
//
// Contract of the verbs (each one txn, so two users racing see one consistent outcome):
// - submit: the unit name and file are parsed first (a bad one is kInvalidArgument naming the
//   line, nothing is written); a template is refused (its instances are submitted with its text).
//   If the unit is new, its text is stored with desired=inactive. Submitting the same text again
//   succeeds and changes nothing; different text is refused with kAlreadyExists naming the unit,
//   as fleet refuses to re-submit a unit with different content (destroy it first).
// - load, start, stop, unload set the desired state to loaded, launched, loaded, inactive
//   (fleet's job target states); destroy deletes the unit file and its desired state (the engine
//   then removes its assignments). Each fails with kNotFound naming the unit when it was never
//   submitted (or was destroyed), and changes nothing then.
// - `done` gets the outcome on the machine's event loop; kTimeout leaves it unknown (StoreClient).
//   A name or unit file refused before reaching the store is told to `done` before the call
//   returns.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/client/store_client.h"
#include "core/env/error.h"
#include "core/fleet/schema.h"

namespace keel::fleet {

using CommandDone = std::function<void(Status)>;

void submit_unit(client::StoreClient& store, std::string_view unit, std::string_view text,
                 CommandDone done);
void load_unit(client::StoreClient& store, std::string_view unit, CommandDone done);
void start_unit(client::StoreClient& store, std::string_view unit, CommandDone done);
void stop_unit(client::StoreClient& store, std::string_view unit, CommandDone done);
void unload_unit(client::StoreClient& store, std::string_view unit, CommandDone done);
void destroy_unit(client::StoreClient& store, std::string_view unit, CommandDone done);

// One machine a unit is assigned to or reports a state from.
struct UnitOnMachine {
  std::string machine;
  std::optional<DesiredState> assigned;  // what the engine asked of this machine; nullopt: nothing
  std::optional<UnitState> reported;     // what the machine's agent reports; nullopt: nothing
  bool operator==(const UnitOnMachine&) const = default;
};

// One row of list-units.
struct UnitListing {
  std::string unit;
  bool submitted = false;  // its unit file is in the store (false: destroyed, still assigned)
  DesiredState desired = DesiredState::kInactive;
  std::vector<UnitOnMachine> machines;  // by machine id
  std::string unplaced;                 // the engine's reason it has no machine, or empty
  std::vector<std::string> problems;    // records under /fleet/ that could not be read
  std::string file;                     // the unit file as submitted; empty when not submitted
  bool operator==(const UnitListing&) const = default;
};

// list-units over the key-values of a range of /fleet/ (any order; other keys are ignored): one
// row per unit that is submitted, assigned, reported or unplaced, sorted by unit name.
std::vector<UnitListing> list_units(const std::vector<kv::KeyValue>& fleet);

// The rows as a table for people: one line per unit and machine (fleetctl's list-units shape),
// columns UNIT DESIRED MACHINE ASSIGNED STATE NOTE; "-" where there is nothing. A machine's line
// notes the reason its agent reported (why the unit failed there).
std::string format_unit_list(const std::vector<UnitListing>& rows);

}  // namespace keel::fleet
