// Loss curves as data: raw values per step for every term, and their smoothed versions —
// an exponential moving average with bias correction (as TensorBoard: early values are not
// pulled towards zero) and a simple moving average — plus CSV export and import (to overlay a
// previous run). No widgets; LossChart draws these.
#pragma once

#include <QString>
#include <QStringList>

#include <map>
#include <vector>

namespace fuselab::ui {

struct SeriesPoint {
    double step;
    double value;
};

/// EMA with bias correction: s_t = α s_{t−1} + (1 − α) v_t, shown as s_t / (1 − α^t), α = smoothing.
std::vector<SeriesPoint> emaBiasCorrected(const std::vector<SeriesPoint>& raw, double smoothing01);
/// Mean of the last `window` values (fewer at the start).
std::vector<SeriesPoint> simpleMovingAverage(const std::vector<SeriesPoint>& raw, int window);

class LossSeries {
public:
    void append(const QString& term, double step, double value);
    void clear() { m_terms.clear(); }
    QStringList terms() const;
    const std::vector<SeriesPoint>& raw(const QString& term) const;
    bool empty() const { return m_terms.empty(); }

    /// CSV with a header "step,<term>,…,<term>_ema,…,<term>_sma,…": raw and both smoothings.
    QString toCsv(double emaSmoothing, int smaWindow) const;
    /// Reads the raw columns of a CSV written by toCsv (smoothed columns are ignored).
    static LossSeries fromCsv(const QString& csv);

private:
    std::map<QString, std::vector<SeriesPoint>> m_terms;
};

} // namespace fuselab::ui
