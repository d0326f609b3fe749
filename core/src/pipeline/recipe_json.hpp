// The recipe as a JSON value, for the sidecar writer that nests it (key "recipe").
#pragma once

#include "fuselab/recipe.hpp"

#include <nlohmann/json.hpp>

namespace fuselab {

nlohmann::json recipeJson(const Recipe& recipe);
/// A parameter value as JSON: numbers stay integer or real as their kind is.
nlohmann::json paramValueJson(const ParamValue& value);
/// Throws fuselab::Error naming `file`.
Recipe recipeFromJsonValue(const nlohmann::json& j, const std::string& file);

} // namespace fuselab
