using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

namespace Homework.Experiments.Core;

/// <summary>
/// Applies <c>key=value</c> overrides to a config record (the command line's <c>--set</c>),
/// like minGPT's <c>merge_from_args</c>: an unknown key or a value of the wrong type fails
/// with the list of valid keys, instead of being ignored. Values are JSON (<c>epochs=500</c>,
/// <c>seeds=[0,1,2]</c>, <c>activation=tanh</c>); a value that is not JSON is taken as a string.
/// </summary>
/// <remarks>
/// Each value is converted on its own, to the type of its field, so that an error names the
/// field, the value typed and the kind of value the field takes (<c>epochs needs a whole
/// number, e.g. epochs=3000; got 'abc'</c>), rather than a position in the JSON document the
/// overrides are merged into, which the user never sees.
/// </remarks>
public static class ConfigOverrides
{
    public static T Apply<T>(T config, IEnumerable<string> assignments) where T : notnull
    {
        var list = assignments.ToList();
        if (list.Count == 0) return config;

        var node = JsonSerializer.SerializeToNode(config, Json.Options)!.AsObject();
        var properties = Json.Options.GetTypeInfo(typeof(T)).Properties;
        var keys = properties.Select(p => p.Name).ToList();
        foreach (string assignment in list)
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0)
                throw new UsageException($"Override '{assignment}' is not of the form key=value. Valid keys for {typeof(T).Name}: {string.Join(", ", keys)}.");
            string key = assignment[..eq].Trim();
            string text = assignment[(eq + 1)..].Trim();
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"Unknown setting '{key}' for {typeof(T).Name}. Valid keys: {string.Join(", ", keys)}.");
            var value = ParseValue(text);
            Check(property, value, text, node[property.Name]);
            node[property.Name] = value;
        }

        try
        {
            return node.Deserialize<T>(Json.Options)
                ?? throw new UsageException($"The overrides {string.Join(" ", list)} produced an empty {typeof(T).Name}.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new UsageException($"Invalid override in '{string.Join(" ", list)}' for {typeof(T).Name}: {Reason(e)}");
        }
    }

    /// <summary>Converts <paramref name="value"/> to the field's type alone; a failure names the field and what it takes.</summary>
    private static void Check(JsonPropertyInfo property, JsonNode? value, string text, JsonNode? preset)
    {
        string example = $"e.g. {property.Name}={(preset is null ? "null" : preset.ToJsonString())}";
        string needs = $"{property.Name} needs {Describe(property.PropertyType)}, {example}; got '{text}'";
        if (value is null)
        {
            if (property.IsSetNullable) return;
            throw new UsageException($"{needs} (it cannot be null).");
        }
        if (value is JsonArray array && array.Any(item => item is null) && ElementType(property.PropertyType) is { } element
            && Nullable.GetUnderlyingType(element) is null)
            throw new UsageException($"{needs} (no item can be null).");
        try
        {
            _ = value.Deserialize(property.PropertyType, Json.Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or NotSupportedException)
        {
            string reason = Reason(e);
            throw new UsageException(reason.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) ? $"{needs}." : $"{needs} ({reason}).");
        }
    }

    /// <summary>What a field of type <paramref name="type"/> takes, in words.</summary>
    public static string Describe(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner) return $"{Describe(inner)} or null";
        if (type.IsEnum) return $"one of {string.Join(", ", Enum.GetValues(type).Cast<object>().Select(v => Json.Compact(v).Trim('"')))}";
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(double) || type == typeof(float)) return "a number";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(string)) return "text";
        if (ElementType(type) is { } element) return $"a JSON list of {Plural(element)}";
        return "a JSON object";
    }

    private static string Plural(Type element)
    {
        if (element.IsEnum || Nullable.GetUnderlyingType(element) is not null) return $"values ({Describe(element)})";
        string single = Describe(element);
        return single switch
        {
            "a whole number" => "whole numbers",
            "a number" => "numbers",
            "a JSON object" => "JSON objects",
            _ when ElementType(element) is not null => "lists",
            _ => single,
        };
    }

    private static Type? ElementType(Type type) => type.IsArray ? type.GetElementType() : null;

    /// <summary>The serializer's reason without the path and position in an internal document.</summary>
    private static string Reason(Exception e)
    {
        string message = e.Message;
        int path = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return (path >= 0 ? message[..path] : message).Trim().TrimEnd('.');
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
