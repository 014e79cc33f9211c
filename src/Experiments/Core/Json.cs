using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Homework.Experiments.Core;

/// <summary>
/// The one JSON dialect of the project: camelCase names in declaration order, two-space
/// indents, LF line ends, enums as strings, shortest round-trip numbers. Files written with
/// it diff cleanly in pull requests and read back to the same values.
/// </summary>
public static class Json
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options) + "\n";

    /// <summary>The same dialect on one line (<c>[0,1,2]</c>), for values quoted in messages.</summary>
    public static string Compact(object? value) => JsonSerializer.Serialize(value, value?.GetType() ?? typeof(object), CompactOptions);

    private static JsonSerializerOptions CompactOptions { get; } = new(Options) { WriteIndented = false };

    /// <summary>
    /// Parses <paramref name="json"/>; errors name <paramref name="source"/> and end with
    /// <paramref name="fix"/>, which the caller words for the kind of file: a run file is replaced
    /// by running again, a golden file is not (it is accepted by a person), so no one generic
    /// sentence fits every file.
    /// </summary>
    public static T Deserialize<T>(string json, string source, string? fix = null)
    {
        string then = fix is null ? "" : " " + fix;
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new HomeworkException($"{source}: the JSON is empty (null).{then}");
        }
        catch (JsonException e)
        {
            throw new HomeworkException($"{source}: not a valid {typeof(T).Name} ({OneLine(e.Message)}).{then}", e);
        }
    }

    /// <summary>Reads and parses a file; errors name it and end with <paramref name="fix"/>.</summary>
    public static T Read<T>(string path, string fix)
    {
        if (!File.Exists(path))
            throw new HomeworkException($"{path}: file not found. {fix}");
        return Deserialize<T>(File.ReadAllText(path), path, fix);
    }

    /// <summary>A serializer message without line breaks, so that an error stays one line.</summary>
    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');

    public static void Write<T>(string path, T value) => AtomicFile.WriteAllText(path, Serialize(value));

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            WriteIndented = true,
            IndentSize = 2,
            NewLine = "\n",
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
