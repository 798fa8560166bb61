#include "sim/checkers/delta_debugging.h"

#include <algorithm>
#include <numeric>

namespace keel::sim {
namespace {

// Chunk `index` of `granularity` near-equal chunks of `items`.
std::span<const std::size_t> chunk_of(const std::vector<std::size_t>& items,
                                      std::size_t granularity, std::size_t index) {
  const std::size_t begin = index * items.size() / granularity;
  const std::size_t end = (index + 1) * items.size() / granularity;
  return std::span<const std::size_t>(items).subspan(begin, end - begin);
}

std::vector<std::size_t> without_chunk(const std::vector<std::size_t>& items,
                                       std::size_t granularity, std::size_t index) {
  const std::size_t begin = index * items.size() / granularity;
  const std::size_t end = (index + 1) * items.size() / granularity;
  std::vector<std::size_t> rest(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(begin));
  rest.insert(rest.end(), items.begin() + static_cast<std::ptrdiff_t>(end), items.end());
  return rest;
}

}  // namespace

ShrinkResult shrink_failing(std::size_t n,
                            const std::function<Trial(std::span<const std::size_t>)>& fails) {
  ShrinkResult result;
  result.items.resize(n);
  std::iota(result.items.begin(), result.items.end(), std::size_t{0});
  auto ask = [&](std::span<const std::size_t> subset) {
    ++result.trials;
    return fails(subset);
  };
  std::size_t granularity = 2;
  while (result.items.size() >= 2) {
    bool reduced = false;
    // Reduce to a chunk: the failure lies within one part.
    for (std::size_t i = 0; i < granularity && !reduced; ++i) {
      const std::span<const std::size_t> chunk = chunk_of(result.items, granularity, i);
      const Trial trial = ask(chunk);
      if (trial == Trial::kGaveUp) return result;
      if (trial == Trial::kFails) {
        result.items.assign(chunk.begin(), chunk.end());
        granularity = 2;
        reduced = true;
      }
    }
    // Reduce to a complement: one part is not needed. With two chunks each complement is the other
    // chunk, already asked about.
    for (std::size_t i = 0; i < granularity && !reduced && granularity > 2; ++i) {
      std::vector<std::size_t> rest = without_chunk(result.items, granularity, i);
      const Trial trial = ask(rest);
      if (trial == Trial::kGaveUp) return result;
      if (trial == Trial::kFails) {
        result.items = std::move(rest);
        granularity = std::max<std::size_t>(granularity - 1, 2);
        reduced = true;
      }
    }
    if (reduced) continue;
    // No single chunk can go: with one item per chunk, that is 1-minimality.
    if (granularity >= result.items.size()) break;
    granularity = std::min(2 * granularity, result.items.size());
  }
  result.one_minimal = true;
  return result;
}

}  // namespace keel::sim
