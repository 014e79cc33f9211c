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

    private const string RegenerateFix = "Delete the file and run again to regenerate it.";

    /// <summary>Parses <paramref name="json"/>; errors name <paramref name="source"/> and end with <paramref name="fix"/>.</summary>
    public static T Deserialize<T>(string json, string source, string fix = RegenerateFix)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new HomeworkException($"{source}: the JSON is empty (null). {fix}");
        }
        catch (JsonException e)
        {
            throw new HomeworkException($"{source}: not a valid {typeof(T).Name} ({e.Message}). {fix}", e);
        }
    }

    public static T Read<T>(string path)
    {
        if (!File.Exists(path))
            throw new HomeworkException($"{path}: file not found.");
        return Deserialize<T>(File.ReadAllText(path), path);
    }

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
