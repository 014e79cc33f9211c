namespace Homework.Experiments.Core;

/// <summary>Helpers for the Markdown the harness writes (the report, the golden-metric diff).</summary>
public static class Markdown
{
    /// <summary>Text that stays inside one table cell: pipes escaped, line breaks flattened.</summary>
    public static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");
}
