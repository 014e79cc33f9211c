using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Homework.Experiments.Core;

/// <summary>
/// A run's identity is its resolved config: two runs share a folder only if their configs are
/// equal, field for field, in the project's JSON dialect (<see cref="Json"/>: fields in
/// declaration order, shortest round-trip numbers). So a run with <c>--set</c> overrides can never
/// overwrite the preset's run, and check, figures and report can tell a preset run from any other.
/// </summary>
public static class ConfigIdentity
{
    /// <summary>Hex digits of the config hash in a folder name: 48 bits, enough to tell a user's override runs apart.</summary>
    public const int HashLength = 12;

    /// <summary>The config as one line of canonical JSON.</summary>
    public static string Canonical(object config) => Json.Compact(config);

    /// <summary>The first <see cref="HashLength"/> hex digits of the SHA-256 of <see cref="Canonical"/>.</summary>
    public static string Hash(object config) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Canonical(config))))[..HashLength];

    /// <summary>True when the two configs are equal field for field.</summary>
    public static bool Same(object config, object other) => JsonNode.DeepEquals(Node(config), Node(other));

    /// <summary>True when <paramref name="savedJson"/> (a saved <c>config.json</c>) is <paramref name="config"/>.</summary>
    public static bool Same(string savedJson, object config) => JsonNode.DeepEquals(Parse(savedJson), Node(config));

    /// <summary>
    /// The fields in which <paramref name="json"/> differs from <paramref name="reference"/>, as
    /// <c>epochs 6 (preset: 3000)</c>, for messages; at most <paramref name="max"/>.
    /// </summary>
    public static IReadOnlyList<string> Differences(string json, object reference, string referenceName = "preset", int max = 4)
    {
        var saved = Parse(json) as JsonObject;
        var expected = Node(reference) as JsonObject;
        if (saved is null || expected is null) return ["not a config object"];
        var differences = new List<string>();
        foreach (string key in expected.Select(p => p.Key).Union(saved.Select(p => p.Key)))
        {
            var a = saved[key];
            var b = expected[key];
            if (JsonNode.DeepEquals(a, b)) continue;
            differences.Add(!saved.ContainsKey(key) ? $"{key} missing ({referenceName}: {Show(b)})"
                : !expected.ContainsKey(key) ? $"{key} {Show(a)} (not a field of the current config)"
                : $"{key} {Show(a)} ({referenceName}: {Show(b)})");
        }
        return differences.Count <= max ? differences : [.. differences.Take(max), $"{differences.Count - max} more"];
    }

    /// <summary>The names of the fields in which <paramref name="config"/> differs from <paramref name="reference"/>.</summary>
    public static IReadOnlyList<string> DifferentFields(object config, object reference)
    {
        var a = (JsonObject)Node(config)!;
        var b = (JsonObject)Node(reference)!;
        return a.Where(p => !JsonNode.DeepEquals(p.Value, b[p.Key])).Select(p => p.Key).ToList();
    }

    private static JsonNode? Node(object config) => JsonSerializer.SerializeToNode(config, config.GetType(), Json.Options);

    private static JsonNode? Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Show(JsonNode? node)
    {
        string text = node?.ToJsonString() ?? "null";
        return text.Length <= 60 ? text : text[..57] + "...";
    }
}
