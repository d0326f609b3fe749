// Parameters declared once: each ParamSpec bound to the member of an options struct that holds
// its value (in the spirit of darktable's params introspection). A bound spec takes its default
// from a default-constructed Options, so a default is written only in the struct; the spec
// list, reading values into the struct (validated against the specs) and writing a struct back
// as values all come from the one declaration.
//
//   const ParamBinding<ReinhardOptions>& reinhardBinding()
//   {
//       static const ParamBinding<ReinhardOptions> b = [] {
//           ParamBinding<ReinhardOptions> b;
//           b.number("key", "Key", 0.001, 1.0, &ReinhardOptions::key).withTooltip("…");
//           return b;
//       }();
//       return b;
//   }
//   params() → reinhardBinding().specs();   run() → reinhardBinding().read(values)
//
// Threads: a built binding is immutable; read and write are reentrant.
#pragma once

#include "fuselab/base/error.hpp"
#include "fuselab/base/params.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace fuselab {

/// What every binding offers without its Options type (for checks that walk operators).
class ParamBindingBase {
public:
    virtual ~ParamBindingBase() = default;
    virtual const std::vector<ParamSpec>& specs() const = 0;
    /// The bound parameters' values in a default-constructed Options.
    virtual ParamValues defaultStructValues() const = 0;
    /// write(read(values)): the bound values as they come back out of the struct.
    virtual ParamValues roundTrip(const ParamValues& values) const = 0;
};

/// Implemented, beside Operator, by operators whose parameters are bound to options structs, so
/// that checks can walk them (a separate interface: Operator's layout, the plugin ABI, stays).
/// Each binding holds some of the operator's specs (e.g. fusion's and deghosting's).
class HasParamBinding {
public:
    virtual ~HasParamBinding() = default;
    virtual std::vector<const ParamBindingBase*> paramBindings() const = 0;
};

template <class Options>
class ParamBinding final : public ParamBindingBase {
public:
    /// A Float parameter held by a double or float member.
    template <class Real>
    ParamSpec& number(std::string id, std::string label, double minValue, double maxValue, Real Options::*member)
    {
        static_assert(std::is_floating_point_v<Real>, "number() binds double or float members");
        return number(std::move(id), std::move(label), minValue, maxValue,
                      [member](const Options& o) { return double(o.*member); }, [member](Options& o, double v) { o.*member = Real(v); });
    }
    /// A Float parameter whose member holds it in other units or form: `get` gives the
    /// parameter's value from the struct, `set` stores one (both ways the same conversion).
    ParamSpec& number(std::string id, std::string label, double minValue, double maxValue, std::function<double(const Options&)> get,
                      std::function<void(Options&, double)> set)
    {
        const double def = get(Options{});
        return add(ParamSpec::number(std::move(id), std::move(label), minValue, maxValue, def),
                   [set](const ParamValues& v, const std::string& id, Options& o) { set(o, v.number(id)); },
                   [get](const Options& o) { return ParamValue(get(o)); });
    }
    /// An Int parameter held by an integer member (int, std::int64_t, …).
    template <class Integer>
    ParamSpec& integer(std::string id, std::string label, std::int64_t minValue, std::int64_t maxValue, Integer Options::*member)
    {
        static_assert(std::is_integral_v<Integer> && !std::is_same_v<Integer, bool>, "integer() binds integer members");
        return integer(std::move(id), std::move(label), minValue, maxValue, [member](const Options& o) { return std::int64_t(o.*member); },
                       [member](Options& o, std::int64_t v) { o.*member = Integer(v); });
    }
    /// An Int parameter whose member holds it in another form or place (a nested struct, two
    /// members at once): `get` gives the parameter's value, `set` stores one.
    ParamSpec& integer(std::string id, std::string label, std::int64_t minValue, std::int64_t maxValue,
                       std::function<std::int64_t(const Options&)> get, std::function<void(Options&, std::int64_t)> set)
    {
        const std::int64_t def = get(Options{});
        return add(ParamSpec::integer(std::move(id), std::move(label), minValue, maxValue, def),
                   [set](const ParamValues& v, const std::string& id, Options& o) { set(o, v.integer(id)); },
                   [get](const Options& o) { return ParamValue(get(o)); });
    }
    /// A Choice parameter whose value lives elsewhere than one member: `get` gives the current
    /// choice id, `set` stores one (ids from `choices`).
    ParamSpec& choice(std::string id, std::string label, std::vector<ParamChoice> choices,
                      std::function<std::string(const Options&)> get, std::function<void(Options&, const std::string&)> set)
    {
        const std::string def = get(Options{});
        return add(ParamSpec::choice(std::move(id), std::move(label), std::move(choices), def),
                   [set](const ParamValues& v, const std::string& id, Options& o) { set(o, v.choice(id)); },
                   [get](const Options& o) { return ParamValue(get(o)); });
    }
    ParamSpec& flag(std::string id, std::string label, bool Options::*member)
    {
        return add(ParamSpec::flag(std::move(id), std::move(label), Options{}.*member),
                   [member](const ParamValues& v, const std::string& id, Options& o) { o.*member = v.flag(id); },
                   [member](const Options& o) { return ParamValue(o.*member); });
    }
    /// A Choice parameter held by a member of any comparable type (an enum): `choices` pairs each
    /// member value with its stable id and label; the member's default must be one of them.
    template <class T>
    ParamSpec& choice(std::string id, std::string label, std::vector<std::pair<T, ParamChoice>> choices, T Options::*member)
    {
        std::vector<ParamChoice> listed;
        for (const auto& [value, c] : choices) listed.push_back(c);
        return choice(
            std::move(id), std::move(label), std::move(listed),
            [member, choices](const Options& o) {
                for (const auto& [value, c] : choices)
                    if (value == o.*member) return c.id;
                throw Error("internal: a choice member holds a value none of its choices names");
            },
            [member, choices](Options& o, const std::string& chosen) {
                for (const auto& [value, c] : choices)
                    if (c.id == chosen) o.*member = value;
            });
    }
    /// A spec the operator reads itself (no member; its default is written in the spec, once).
    ParamSpec& unbound(ParamSpec spec) { return add(std::move(spec), nullptr, nullptr); }

    const std::vector<ParamSpec>& specs() const override { return m_specs; }

    /// This binding's values in `overrides` (other ids — another binding's, say — are not its
    /// business) over the defaults, validated against the specs (fuselab::Error names the
    /// parameter and the problem), into a default-constructed Options.
    Options read(const ParamValues& overrides) const
    {
        ParamValues own;
        for (const ParamSpec& spec : m_specs)
            if (const ParamValue* v = overrides.find(spec.id)) own.set(spec.id, *v);
        const ParamValues values = resolveParamValues(m_specs, own);
        Options o{};
        for (std::size_t i = 0; i < m_specs.size(); ++i)
            if (m_readers[i]) m_readers[i](values, m_specs[i].id, o);
        return o;
    }
    /// The bound parameters' values in `options`.
    ParamValues write(const Options& options) const
    {
        ParamValues v;
        for (std::size_t i = 0; i < m_specs.size(); ++i)
            if (m_writers[i]) v.set(m_specs[i].id, m_writers[i](options));
        return v;
    }
    ParamValues defaultStructValues() const override { return write(Options{}); }
    ParamValues roundTrip(const ParamValues& values) const override { return write(read(values)); }

private:
    using Reader = std::function<void(const ParamValues&, const std::string&, Options&)>;
    using Writer = std::function<ParamValue(const Options&)>;

    ParamSpec& add(ParamSpec spec, Reader read, Writer write)
    {
        m_specs.push_back(std::move(spec));
        m_readers.push_back(std::move(read));
        m_writers.push_back(std::move(write));
        return m_specs.back(); // valid until the next add: chain the spec's with…() calls at once
    }

    std::vector<ParamSpec> m_specs;
    std::vector<Reader> m_readers;
    std::vector<Writer> m_writers;
};

} // namespace fuselab
