#include "loss_series.hpp"

#include <QTextStream>

#include <algorithm>

#include <cmath>
#include <set>

namespace fuselab::ui {

std::vector<SeriesPoint> emaBiasCorrected(const std::vector<SeriesPoint>& raw, double smoothing)
{
    std::vector<SeriesPoint> out;
    out.reserve(raw.size());
    const double a = std::clamp(smoothing, 0.0, 0.999);
    double s = 0.0, decay = 1.0;
    for (const SeriesPoint& p : raw) {
        if (!std::isfinite(p.value)) continue;
        s = a * s + (1.0 - a) * p.value;
        decay *= a;
        out.push_back({p.step, a > 0.0 ? s / (1.0 - decay) : p.value});
    }
    return out;
}

std::vector<SeriesPoint> simpleMovingAverage(const std::vector<SeriesPoint>& raw, int window)
{
    std::vector<SeriesPoint> out;
    out.reserve(raw.size());
    window = std::max(1, window);
    double sum = 0.0;
    std::vector<double> recent;
    for (const SeriesPoint& p : raw) {
        if (!std::isfinite(p.value)) continue;
        recent.push_back(p.value);
        sum += p.value;
        if (int(recent.size()) > window) sum -= recent[recent.size() - std::size_t(window) - 1];
        const int n = std::min(int(recent.size()), window);
        out.push_back({p.step, sum / n});
    }
    return out;
}

void LossSeries::append(const QString& term, double step, double value)
{
    m_terms[term].push_back({step, value});
}

QStringList LossSeries::terms() const
{
    QStringList names;
    for (const auto& [name, points] : m_terms) names << name;
    return names;
}

const std::vector<SeriesPoint>& LossSeries::raw(const QString& term) const
{
    static const std::vector<SeriesPoint> none;
    auto it = m_terms.find(term);
    return it == m_terms.end() ? none : it->second;
}

QString LossSeries::toCsv(double emaSmoothing, int smaWindow) const
{
    const QStringList names = terms();
    std::set<double> steps;
    std::map<QString, std::map<double, double>> rawAt, emaAt, smaAt;
    for (const QString& n : names) {
        for (const SeriesPoint& p : raw(n)) {
            steps.insert(p.step);
            rawAt[n][p.step] = p.value;
        }
        for (const SeriesPoint& p : emaBiasCorrected(raw(n), emaSmoothing)) emaAt[n][p.step] = p.value;
        for (const SeriesPoint& p : simpleMovingAverage(raw(n), smaWindow)) smaAt[n][p.step] = p.value;
    }
    QString out;
    QTextStream s(&out);
    s << "step";
    for (const QString& n : names) s << ',' << n;
    for (const QString& n : names) s << ',' << n << "_ema";
    for (const QString& n : names) s << ',' << n << "_sma";
    s << '\n';
    s.setRealNumberPrecision(10);
    auto cellOf = [](const std::map<double, double>& m, double step) {
        auto it = m.find(step);
        return it == m.end() ? QString() : QString::number(it->second, 'g', 10);
    };
    for (double step : steps) {
        s << QString::number(step, 'g', 12);
        for (const QString& n : names) s << ',' << cellOf(rawAt[n], step);
        for (const QString& n : names) s << ',' << cellOf(emaAt[n], step);
        for (const QString& n : names) s << ',' << cellOf(smaAt[n], step);
        s << '\n';
    }
    return out;
}

LossSeries LossSeries::fromCsv(const QString& csv)
{
    LossSeries series;
    const QStringList lines = csv.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    if (lines.isEmpty()) return series;
    const QStringList header = lines.front().split(QLatin1Char(','));
    for (int i = 1; i < lines.size(); ++i) {
        const QStringList cells = lines[i].split(QLatin1Char(','));
        bool ok = false;
        const double step = cells.value(0).toDouble(&ok);
        if (!ok) continue;
        for (int c = 1; c < header.size() && c < cells.size(); ++c) {
            if (header[c].endsWith(QLatin1String("_ema")) || header[c].endsWith(QLatin1String("_sma"))) continue;
            bool valueOk = false;
            const double v = cells[c].toDouble(&valueOk);
            if (valueOk) series.append(header[c].trimmed(), step, v);
        }
    }
    return series;
}

} // namespace fuselab::ui
