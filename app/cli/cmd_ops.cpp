// fuselab-cli ops [--json]: every operator with its parameters, ranges and defaults.
#include "cli_support.hpp"
#include "command.hpp"

#include <cstdio>
#include <sstream>

namespace fuselab::cli {
namespace {

std::string formatNumber(double v)
{
    std::ostringstream os;
    os.precision(6);
    os << v;
    return os.str();
}

nlohmann::json specToJson(const ParamSpec& s)
{
    nlohmann::json p;
    p["id"] = s.id;
    p["label"] = s.label;
    p["kind"] = std::string(toString(s.kind));
    p["unit"] = s.unit;
    const bool numeric = s.kind == ParamKind::Float || s.kind == ParamKind::Int;
    p["min"] = numeric ? nlohmann::json(s.minValue) : nlohmann::json(nullptr);
    p["max"] = numeric ? nlohmann::json(s.maxValue) : nlohmann::json(nullptr);
    p["default"] = paramValueToJson(defaultValue(s));
    p["step"] = numeric && s.step > 0 ? nlohmann::json(s.step) : nlohmann::json(nullptr);
    nlohmann::json choices = nlohmann::json::array();
    for (const ParamChoice& c : s.choices) choices.push_back({{"id", c.id}, {"label", c.label}});
    p["choices"] = choices;
    p["tooltip"] = s.tooltip;
    p["log_scale"] = s.logScale;
    p["enabled_by"] = s.enabledBy;
    p["reference"] = s.reference;
    return p;
}

class OpsCommand final : public Command {
public:
    explicit OpsCommand(const OperatorRegistry& registry) : m_registry(registry) {}

    CLI::App* attach(CLI::App& app) override
    {
        CLI::App* sub = app.add_subcommand("ops", "List every operator with its parameters (ids for --param), ranges and defaults");
        sub->add_flag("--json", m_json, "Print one JSON array on stdout");
        sub->add_flag("--markdown", m_markdown, "Print the operator reference as Markdown tables (the README's CLI reference)");
        sub->add_option("--category", m_category, "Only operators of this category (fusion, merge, tonemap, metric, ...)");
        addCommonOptions(*sub, m_common);
        return sub;
    }

    int run() override
    {
        std::vector<const Operator*> ops = m_category.empty() ? m_registry.all() : m_registry.inCategory(m_category);
        if (m_markdown) {
            printMarkdown(ops);
            return kSuccess;
        }
        if (m_json) {
            nlohmann::json all = nlohmann::json::array();
            for (const Operator* op : ops) {
                const OperatorInfo info = op->info();
                nlohmann::json o;
                o["id"] = info.id;
                o["name"] = info.name;
                o["category"] = info.category;
                o["version"] = info.version;
                o["description"] = info.description;
                o["reference"] = info.reference;
                o["input"] = std::string(toString(op->inputKind()));
                nlohmann::json params = nlohmann::json::array();
                for (const ParamSpec& s : op->params()) params.push_back(specToJson(s));
                o["params"] = params;
                all.push_back(o);
            }
            printJson(all);
            return kSuccess;
        }
        std::string lastCategory;
        for (const Operator* op : ops) {
            const OperatorInfo info = op->info();
            if (info.category != lastCategory) {
                std::printf("%s[%s]\n", lastCategory.empty() ? "" : "\n", info.category.c_str());
                lastCategory = info.category;
            }
            std::printf("  %s  —  %s (v%d, input: %s)\n", info.id.c_str(), info.name.c_str(), info.version,
                        std::string(toString(op->inputKind())).c_str());
            if (!info.description.empty()) std::printf("      %s\n", info.description.c_str());
            if (!info.reference.empty()) std::printf("      Reference: %s\n", info.reference.c_str());
            for (const ParamSpec& s : op->params()) {
                std::string range;
                if (s.kind == ParamKind::Float || s.kind == ParamKind::Int)
                    range = "[" + formatNumber(s.minValue) + ", " + formatNumber(s.maxValue) + "]";
                else if (s.kind == ParamKind::Choice) {
                    for (const ParamChoice& c : s.choices) range += (range.empty() ? "{" : "|") + c.id;
                    range += "}";
                } else range = "{true|false}";
                std::printf("      --param %s=%s  %s %s%s, default %s\n", s.id.c_str(), std::string(toString(s.kind)).c_str(),
                            range.c_str(), s.unit.empty() ? "" : ("(" + s.unit + ")").c_str(), "",
                            formatParamValue(defaultValue(s)).c_str());
                std::printf("          %s: %s\n", s.label.c_str(), s.tooltip.c_str());
            }
        }
        return kSuccess;
    }

private:
    static std::string cell(std::string text)
    {
        std::string out;
        for (char c : text) {
            if (c == '|') out += "\\|";
            else if (c == '\n') out += ' ';
            else out += c;
        }
        return out;
    }

    void printMarkdown(const std::vector<const Operator*>& ops) const
    {
        std::string lastCategory;
        for (const Operator* op : ops) {
            const OperatorInfo info = op->info();
            if (info.category != lastCategory) {
                std::printf("### Category `%s`\n\n", info.category.c_str());
                lastCategory = info.category;
            }
            std::printf("#### `%s` — %s (version %d)\n\n%s\n\n", info.id.c_str(), info.name.c_str(), info.version, info.description.c_str());
            if (!info.reference.empty()) std::printf("Reference: %s\n\n", info.reference.c_str());
            const auto specs = op->params();
            if (specs.empty()) {
                std::printf("No parameters.\n\n");
                continue;
            }
            std::printf("| parameter | unit | range | default | meaning |\n| --- | --- | --- | --- | --- |\n");
            for (const ParamSpec& s : specs) {
                std::string range;
                if (s.kind == ParamKind::Float || s.kind == ParamKind::Int) range = formatNumber(s.minValue) + " … " + formatNumber(s.maxValue);
                else if (s.kind == ParamKind::Bool) range = "true, false";
                else
                    for (const ParamChoice& c : s.choices) range += (range.empty() ? "" : ", ") + c.id;
                std::string meaning = s.tooltip;
                if (!s.reference.empty()) meaning += " (" + s.reference + ")";
                std::printf("| `%s` | %s | %s | %s | %s |\n", s.id.c_str(), cell(s.unit).c_str(), cell(range).c_str(),
                            cell(formatParamValue(defaultValue(s))).c_str(), cell(meaning).c_str());
            }
            std::printf("\n");
        }
    }

    const OperatorRegistry& m_registry;
    bool m_json = false;
    bool m_markdown = false;
    std::string m_category;
    CommonOptions m_common;
};

} // namespace

std::unique_ptr<Command> makeOpsCommand(const OperatorRegistry& registry)
{
    return std::make_unique<OpsCommand>(registry);
}

} // namespace fuselab::cli
