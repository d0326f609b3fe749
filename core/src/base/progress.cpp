#include "fuselab/base/progress.hpp"

#include "fuselab/base/error.hpp"

#include <algorithm>

namespace fuselab {

void ProgressSink::checkCancelled() const
{
    if (isCancelled())
        throw Cancelled();
}

void ProgressSpan::report(double fraction01, std::string_view stage)
{
    const double f = std::clamp(fraction01, 0.0, 1.0);
    m_parent.report(m_begin + (m_end - m_begin) * f, stage);
}

} // namespace fuselab
