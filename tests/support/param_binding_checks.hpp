// The check that a parameter is declared once (param_binding.hpp): every bound spec is one of
// `specs`, its default is the struct's, no id is bound twice, and each bound parameter at its
// limits (and each choice) comes back unchanged out of the struct. Used by the operator contract
// and by the settings tables that are not operators (training, attribution).
#pragma once

#include "fuselab/base/param_binding.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

namespace fuselab::test {

/// `owner` names the table in failure messages. Returns the ids bound.
inline std::set<std::string> expectBindingsDeclareOnce(const std::string& owner, const std::vector<ParamSpec>& specs,
                                                       const std::vector<const ParamBindingBase*>& bindings)
{
    const ParamValues defaults = defaultValues(specs);
    std::set<std::string> seen;
    for (const ParamBindingBase* binding : bindings) {
        const ParamValues fromStruct = binding->defaultStructValues();
        EXPECT_FALSE(fromStruct.all().empty()) << owner << ": a binding binds nothing";
        for (const auto& [id, value] : fromStruct.all()) {
            EXPECT_TRUE(seen.insert(id).second) << owner << "." << id << " is bound twice";
            const ParamValue* def = defaults.find(id);
            EXPECT_NE(def, nullptr) << owner << " has no parameter " << id;
            if (def) EXPECT_TRUE(*def == value) << owner << "." << id << ": the spec's default is not the struct's";
        }
        for (const ParamSpec& s : binding->specs()) {
            if (!fromStruct.has(s.id)) continue;
            std::vector<ParamValue> trials;
            if (s.kind == ParamKind::Float) trials = {s.minValue, s.maxValue};
            if (s.kind == ParamKind::Int) trials = {std::int64_t(s.minValue), std::int64_t(s.maxValue)};
            if (s.kind == ParamKind::Bool) trials = {true, false};
            for (const ParamChoice& c : s.choices) trials.push_back(c.id);
            for (const ParamValue& v : trials) {
                ParamValues one;
                one.set(s.id, v);
                const ParamValues back = binding->roundTrip(one);
                const ParamValue* got = back.find(s.id);
                EXPECT_NE(got, nullptr) << owner << "." << s.id;
                if (!got) continue;
                if (s.kind == ParamKind::Float)
                    EXPECT_NEAR(std::get<double>(*got), std::get<double>(v), 1e-9 * std::max(1.0, std::fabs(std::get<double>(v))))
                        << owner << "." << s.id;
                else
                    EXPECT_TRUE(*got == v) << owner << "." << s.id << " = " << formatParamValue(v);
            }
        }
    }
    EXPECT_FALSE(seen.empty()) << owner << " binds no parameter";
    return seen;
}

} // namespace fuselab::test
