#include "fuselab/base/error.hpp"

namespace fuselab {
namespace {
std::string compose(const std::string& file, const std::string& problem)
{
    return file.empty() ? problem : file + ": " + problem;
}
} // namespace

Error::Error(std::string file, std::string problem)
    : std::runtime_error(compose(file, problem)), m_file(std::move(file)), m_problem(std::move(problem))
{
}

Error Error::withFile(const std::string& file) const
{
    return m_file.empty() ? Error(file, m_problem) : *this;
}

} // namespace fuselab
