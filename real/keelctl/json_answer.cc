#include "real/keelctl/json_answer.h"

#include <boost/property_tree/json_parser.hpp>
#include <sstream>

#include "core/env/str.h"

namespace keel::real::keelctl {

Result<boost::property_tree::ptree> parse_json(std::string_view body) {
  std::istringstream in{std::string(body)};
  boost::property_tree::ptree tree;
  try {
    boost::property_tree::read_json(in, tree);
  } catch (const boost::property_tree::json_parser_error& e) {
    return fail(Errc::kCorrupt,
                str("the answer is not JSON: ", e.message(), " at line ", e.line()));
  }
  return tree;
}

}  // namespace keel::real::keelctl
