// Checks that a function returning a reference or pointer into its argument refuses a
// temporary (its rvalue overload is deleted), while it takes a named value.
#pragma once

#include <type_traits>
#include <utility>

// A generic lambda calling `call`, in which ARG is its one argument, forwarded. Its return type
// names the call, so a deleted overload makes the lambda not invocable instead of an error.
#define ARG std::forward<decltype(arg)>(arg)
#define TIDE_CALL(call) [](auto&& arg) -> decltype(call) { return call; }

namespace tide::test {

// `call` (a TIDE_CALL lambda) takes a const T& but not a temporary T.
template <typename Call, typename T>
constexpr bool refuses_temporary =
    std::is_invocable_v<Call, const T&> && !std::is_invocable_v<Call, T>;

}  // namespace tide::test
