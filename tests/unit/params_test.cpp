#include "fuselab/base/error.hpp"
#include "fuselab/base/params.hpp"

#include <gtest/gtest.h>

using namespace fuselab;

namespace {
std::vector<ParamSpec> specs()
{
    return {
        ParamSpec::number("sigma", "σ", 0.01, 1.0, 0.2).withTooltip("width"),
        ParamSpec::integer("levels", "Levels", 1, 20, 8).withTooltip("pyramid levels"),
        ParamSpec::flag("deghost", "Deghost", true).withTooltip("moving objects"),
        ParamSpec::choice("weight", "Weighting", {{"hat", "Hat"}, {"gaussian", "Gaussian"}}, "hat").withTooltip("w"),
    };
}
} // namespace

TEST(Params, DefaultsHaveTheRightKinds)
{
    const ParamValues v = defaultValues(specs());
    EXPECT_DOUBLE_EQ(v.number("sigma"), 0.2);
    EXPECT_EQ(v.integer("levels"), 8);
    EXPECT_TRUE(v.flag("deghost"));
    EXPECT_EQ(v.choice("weight"), "hat");
    EXPECT_DOUBLE_EQ(v.number("levels"), 8.0); // number() accepts integers
    EXPECT_THROW(v.flag("sigma"), Error);
    EXPECT_THROW(v.number("missing"), Error);
}

TEST(Params, ParsesAndValidatesText)
{
    const auto s = specs();
    EXPECT_DOUBLE_EQ(std::get<double>(parseParamValue(s[0], "0.5")), 0.5);
    EXPECT_EQ(std::get<std::int64_t>(parseParamValue(s[1], "12")), 12);
    EXPECT_EQ(std::get<bool>(parseParamValue(s[2], "off")), false);
    EXPECT_EQ(std::get<std::string>(parseParamValue(s[3], "gaussian")), "gaussian");
    EXPECT_THROW(parseParamValue(s[0], "2"), Error);      // above max
    EXPECT_THROW(parseParamValue(s[0], "abc"), Error);    // not a number
    EXPECT_THROW(parseParamValue(s[0], "nan"), Error);    // not finite
    EXPECT_THROW(parseParamValue(s[1], "3.5"), Error);    // not an integer
    EXPECT_THROW(parseParamValue(s[2], "maybe"), Error);  // not a boolean
    EXPECT_THROW(parseParamValue(s[3], "triangle"), Error);
    try {
        parseParamValue(s[0], "5");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("sigma"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("[0.01, 1]"), std::string::npos);
    }
}

TEST(Params, ResolveMergesOverridesAndRefusesUnknownIds)
{
    ParamValues overrides;
    overrides.set("levels", std::int64_t(3));
    overrides.set("sigma", std::int64_t(1)); // an int where a float is expected is accepted
    const ParamValues v = resolveParamValues(specs(), overrides);
    EXPECT_EQ(v.integer("levels"), 3);
    EXPECT_DOUBLE_EQ(v.number("sigma"), 1.0);
    EXPECT_EQ(v.choice("weight"), "hat");

    ParamValues bad;
    bad.set("sigmaa", 0.3);
    EXPECT_THROW(resolveParamValues(specs(), bad), Error);
    ParamValues wrongType;
    wrongType.set("deghost", 0.3);
    EXPECT_THROW(resolveParamValues(specs(), wrongType), Error);
}

TEST(Params, SpecProblemsAreFound)
{
    const auto s = specs();
    for (const ParamSpec& spec : s) EXPECT_EQ(describeSpecProblem(spec, s), "");
    ParamSpec badDefault = ParamSpec::number("x", "X", 0, 1, 2).withTooltip("t");
    EXPECT_NE(describeSpecProblem(badDefault, {badDefault}), "");
    ParamSpec badId = ParamSpec::number("Bad Id", "X", 0, 1, 0).withTooltip("t");
    EXPECT_NE(describeSpecProblem(badId, {badId}), "");
    ParamSpec noChoice = ParamSpec::choice("c", "C", {}, "a").withTooltip("t");
    EXPECT_NE(describeSpecProblem(noChoice, {noChoice}), "");
    ParamSpec dangling = ParamSpec::number("y", "Y", 0, 1, 0).withTooltip("t").enabledWhen("nothere");
    EXPECT_NE(describeSpecProblem(dangling, {dangling}), "");
}

TEST(Params, FormatRoundTrips)
{
    const auto s = specs();
    for (const ParamSpec& spec : s) {
        const ParamValue v = defaultValue(spec);
        EXPECT_EQ(parseParamValue(spec, formatParamValue(v)), v) << spec.id;
    }
}
