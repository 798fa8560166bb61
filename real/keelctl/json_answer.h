// Reading the JSON answers keelctl gets (v2 keys, members, fleet API) with Boost.PropertyTree's
// JSON reader: every scalar is kept as text and an array's elements are children with empty names,
// which is all keelctl needs from these small documents.
#pragma once

#include <boost/property_tree/ptree.hpp>
#include <string_view>

#include "core/env/error.h"

namespace keel::real::keelctl {

// kCorrupt naming the line when `body` is not JSON.
Result<boost::property_tree::ptree> parse_json(std::string_view body);

}  // namespace keel::real::keelctl
