// Text records: the values fleet writes into the store, one `field=value` per line, fields in the
// order given. A value escapes `\` as `\\` and a newline as `\n`, so any text (a unit file) fits
// on one line. Readable by people (`keelctl get /fleet/machines/n1`) and by etcd v2 clients.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/env/error.h"

namespace keel::fleet {

using Record = std::vector<std::pair<std::string, std::string>>;

std::string encode_record(const Record& record);
// Fails naming the line for a line without '=', an empty or repeated field, or a bad escape.
Result<Record> decode_record(std::string_view text);

// The value of `field`, or nullopt.
const std::string* find_field(const Record& record, std::string_view field);

}  // namespace keel::fleet
