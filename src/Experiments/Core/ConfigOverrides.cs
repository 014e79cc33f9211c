using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homework.Experiments.Core;

/// <summary>
/// Applies <c>key=value</c> overrides to a config record (the command line's <c>--set</c>),
/// like minGPT's <c>merge_from_args</c>: an unknown key or a value of the wrong type fails
/// with the list of valid keys, instead of being ignored. Values are JSON (<c>epochs=500</c>,
/// <c>seeds=[0,1,2]</c>, <c>activation=tanh</c>); a value that is not JSON is taken as a string.
/// </summary>
public static class ConfigOverrides
{
    public static T Apply<T>(T config, IEnumerable<string> assignments) where T : notnull
    {
        var list = assignments.ToList();
        if (list.Count == 0) return config;

        var node = JsonSerializer.SerializeToNode(config, Json.Options)!.AsObject();
        var keys = node.Select(p => p.Key).ToList();
        foreach (string assignment in list)
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0)
                throw new UsageException($"Override '{assignment}' is not of the form key=value. Valid keys for {typeof(T).Name}: {string.Join(", ", keys)}.");
            string key = assignment[..eq].Trim();
            string text = assignment[(eq + 1)..].Trim();
            string? match = keys.FirstOrDefault(k => string.Equals(k, key, StringComparison.OrdinalIgnoreCase));
            if (match is null)
                throw new UsageException($"Unknown setting '{key}' for {typeof(T).Name}. Valid keys: {string.Join(", ", keys)}.");
            node[match] = ParseValue(text);
        }

        try
        {
            return node.Deserialize<T>(Json.Options)
                ?? throw new UsageException($"The overrides {string.Join(" ", list)} produced an empty {typeof(T).Name}.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new UsageException($"Invalid override in '{string.Join(" ", list)}' for {typeof(T).Name}: {e.Message}");
        }
    }

    private static JsonNode? ParseValue(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }
}
