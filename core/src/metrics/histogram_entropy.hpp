// Private: Shannon entropy in bits of a histogram, −Σ p log2 p with p = count / total, bins
// with no count skipped. One definition for EN, MI/NMI and the MEFB flavour's versions of them.
#pragma once

#include <cmath>

namespace fuselab::metrics_detail {

template <typename Counts>
double entropyBits(const Counts& counts, double total)
{
    double h = 0.0;
    for (const auto c : counts)
        if (c > 0) {
            const double p = double(c) / total;
            h -= p * std::log2(p);
        }
    return h;
}

} // namespace fuselab::metrics_detail
