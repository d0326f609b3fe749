// Explicit registration of the operators built into the core (no static self-registration).
#pragma once

#include "fuselab/operator.hpp"

namespace fuselab {

/// Adds every built-in operator to `registry`. Throws fuselab::Error on an id clash.
void registerBuiltinOperators(OperatorRegistry& registry);

} // namespace fuselab
