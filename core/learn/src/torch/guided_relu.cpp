#include "guided_relu.hpp"

#include <ATen/ATen.h>

namespace fuselab::learn::detail {
namespace {

thread_local bool t_guided = false;

} // namespace

GuidedBackpropScope::GuidedBackpropScope(bool enabled) : m_previous(t_guided)
{
    t_guided = enabled;
}

GuidedBackpropScope::~GuidedBackpropScope()
{
    t_guided = m_previous;
}

bool GuidedBackpropScope::active()
{
    return t_guided;
}

at::Tensor rectifier(const at::Tensor& x, double negativeSlope)
{
    if (!t_guided || !x.requires_grad()) return negativeSlope == 0.0 ? at::relu(x) : at::leaky_relu(x, negativeSlope);
    // relu's own backward passes gradient where x > 0; the hook, run first, keeps only the
    // positive part of the incoming gradient. The negative side joins the value, not the graph.
    at::Tensor positive = at::relu(x);
    positive.register_hook([](const at::Tensor& grad) { return grad.clamp_min(0.0); });
    if (negativeSlope == 0.0) return positive;
    return positive + negativeSlope * at::clamp_max(x, 0.0).detach();
}

} // namespace fuselab::learn::detail
