// The hash that names a unit file's content in keeld's fleet API: the SHA-256 of the text exactly
// as submitted, as 64 lowercase hex digits. fleet named a unit's content by the SHA-1 of its
// options (fleet's unit.Hash) and fleetctl list-unit-files printed its first 7 hex digits; Keel
// hashes the bytes, so two texts that differ only in spacing have different hashes.
// GET /fleet/v1/units and GET /fleet/v1/state carry the same hash for the same text.
#pragma once

#include <string>
#include <string_view>

namespace keel::real::http {

std::string unit_file_hash(std::string_view text);

}  // namespace keel::real::http
