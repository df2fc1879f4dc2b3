// "Did you mean …?": the nearest of some known words to a mistyped one. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace tide {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbouring characters each cost 1 ("stauts" is 1 away from "status").
size_t edit_distance(const std::string& a, const std::string& b);

// The candidate nearest to `word`, when it is near enough to be a likely typo (at most a
// third of the word's length away, at least 1; never for one letter); ties go to the first.
std::optional<std::string> nearest(const std::string& word,
                                   const std::vector<std::string>& candidates);

}  // namespace tide
