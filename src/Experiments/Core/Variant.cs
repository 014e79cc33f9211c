namespace Homework.Experiments.Core;

/// <summary>
/// A named change of an experiment's config that probes a choice the report leaves unstated
/// (the domain of x, batch size, equal epochs or equal steps, which points are "the edges"),
/// declared next to the config record, with a one-line reason. A variant is data: its config is
/// the profile's preset with <see cref="Apply"/>, it runs and saves like the preset (its own
/// folder, <c>artifacts/runs/&lt;experiment&gt;/variants/&lt;profile&gt;-&lt;name&gt;/</c>), its claims are
/// judged by the same code, and its outcomes have golden files of their own, so the robustness
/// table of the report and README shows which verdicts depend on which choice.
/// </summary>
/// <param name="Name">Kebab-case name used on the command line (<c>run &lt;experiment&gt; --variant &lt;name&gt;</c>) and in paths.</param>
/// <param name="Reason">The unstated choice it probes, in one line.</param>
/// <param name="Apply">The change to the preset.</param>
public sealed record Variant<TConfig>(string Name, string Reason, Func<TConfig, TConfig> Apply);

/// <summary>A variant as the untyped side of an experiment sees it.</summary>
public sealed record VariantInfo(string Name, string Reason);
