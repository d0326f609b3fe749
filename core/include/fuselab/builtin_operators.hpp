// Explicit registration of the operators built into the core (no static self-registration).
#pragma once

#include "fuselab/base/operator.hpp"

#include <string_view>

namespace fuselab {

/// Adds every built-in operator to `registry`. Throws fuselab::Error on an id clash.
void registerBuiltinOperators(OperatorRegistry& registry);

/// The operator a front end starts a category with: the built-in default where it is registered
/// (fusion: Mertens; merge: Debevec; tone mapping: Reinhard), else the category's first by id;
/// nullptr when the category is empty.
const Operator* defaultOperatorOf(const OperatorRegistry& registry, std::string_view category);

} // namespace fuselab
