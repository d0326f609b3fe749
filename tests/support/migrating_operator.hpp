// A test operator at version 2 whose version 1 called its one parameter "threshold" on a 0..1
// scale; version 2 calls it "tolerance" on 0..255 (8-bit codes) and added "mode". It migrates
// version-1 values, as a real operator whose parameters change must (param_migration.hpp).
#pragma once

#include "fuselab/base/operator.hpp"
#include "fuselab/base/param_migration.hpp"

#include <memory>

namespace fuselab::test {

class MigratingTestOperator final : public Operator, public MigratesParamValues {
public:
    OperatorInfo info() const override { return {"test-migrating", "Test: migrating", category::metric, 2, "For migration tests.", ""}; }
    std::vector<ParamSpec> params() const override
    {
        return {ParamSpec::number("tolerance", "Tolerance", 0.0, 255.0, 12.0).withTooltip("Difference tolerated, in 8-bit codes."),
                ParamSpec::choice("mode", "Mode", {{"fast", "Fast"}, {"exact", "Exact"}}, "fast").withTooltip("How it is computed.")};
    }
    InputKind inputKind() const override { return InputKind::Image; }
    OperatorOutput run(const OperatorInput& input, const ParamValues& values, ProgressSink&) const override
    {
        OperatorOutput out;
        out.scalars["tolerance"] = values.number("tolerance");
        out.image = input.images.front();
        return out;
    }
    ParamValues migrate(int fromVersion, ParamValues values, std::vector<std::string>& notes) const override
    {
        if (fromVersion < 2 && values.has("threshold")) {
            const ParamValue* t = values.find("threshold");
            const double v = std::holds_alternative<double>(*t) ? std::get<double>(*t) : double(std::get<std::int64_t>(*t));
            values.erase("threshold");
            values.set("tolerance", v * 255.0);
            notes.push_back("threshold (0..1) is now tolerance (0..255)");
        }
        return values;
    }
};

inline std::shared_ptr<const Operator> makeMigratingTestOperator() { return std::make_shared<MigratingTestOperator>(); }

} // namespace fuselab::test
