// Internal (torch): the rectifiers of the fusion network, with Guided Backpropagation
// (Springenberg et al. 2015) switchable per thread.
//
// Guided Backprop keeps the forward pass and changes only the backward rule of each rectifier:
// the gradient passes where the forward input is positive AND the incoming gradient is positive.
// For a leaky ReLU the negative side's slope is dropped as well (the rule "input > 0"). Inside a
// GuidedBackpropScope, rectifier() builds that rule into the graph (a hook on the positive part
// plus the negative part detached); elsewhere it is the plain (leaky) ReLU. The scope is
// thread-local, so a guided attribution never changes another thread's inference.
#pragma once

#include <ATen/core/Tensor.h>

namespace fuselab::learn::detail {

/// max(x,0) + negativeSlope·min(x,0), guided inside a GuidedBackpropScope on this thread.
at::Tensor rectifier(const at::Tensor& x, double negativeSlope);

class GuidedBackpropScope {
public:
    explicit GuidedBackpropScope(bool enabled = true);
    ~GuidedBackpropScope();
    GuidedBackpropScope(const GuidedBackpropScope&) = delete;
    GuidedBackpropScope& operator=(const GuidedBackpropScope&) = delete;
    static bool active();

private:
    bool m_previous;
};

} // namespace fuselab::learn::detail
