using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Homework.Experiments.Golden;

public enum MetricKind
{
    Integer,
    Real,
    Boolean,
    Text,
}

/// <summary>
/// One value of a golden file. Reals are compared with a tolerance; integers, booleans
/// and text exactly. In JSON a real always carries a decimal point or an exponent
/// (<c>1.0</c>, never <c>1</c>), so an integer and a real can be told apart on reading.
/// </summary>
[JsonConverter(typeof(MetricValueJsonConverter))]
public readonly record struct MetricValue
{
    private MetricValue(MetricKind kind, long integer, double real, bool boolean, string? text)
    {
        Kind = kind;
        Integer = integer;
        Real = real;
        Boolean = boolean;
        Text = text;
    }

    public MetricKind Kind { get; }
    public long Integer { get; }
    public double Real { get; }
    public bool Boolean { get; }
    public string? Text { get; }

    public static MetricValue Of(long value) => new(MetricKind.Integer, value, 0, false, null);
    public static MetricValue Of(double value) => new(MetricKind.Real, 0, value, false, null);
    public static MetricValue Of(bool value) => new(MetricKind.Boolean, 0, 0, value, null);
    public static MetricValue Of(string value) => new(MetricKind.Text, 0, 0, false, value);

    public static implicit operator MetricValue(long value) => Of(value);
    public static implicit operator MetricValue(int value) => Of(value);
    public static implicit operator MetricValue(double value) => Of(value);
    public static implicit operator MetricValue(bool value) => Of(value);
    public static implicit operator MetricValue(string value) => Of(value);

    /// <summary>The value as a number (integers widen), for differences and tables.</summary>
    public double? AsNumber => Kind switch
    {
        MetricKind.Integer => Integer,
        MetricKind.Real => Real,
        _ => null,
    };

    public override string ToString() => Kind switch
    {
        MetricKind.Integer => Integer.ToString(CultureInfo.InvariantCulture),
        MetricKind.Real => FormatReal(Real),
        MetricKind.Boolean => Boolean ? "true" : "false",
        _ => Text ?? "",
    };

    /// <summary>Shortest round-trip text, with ".0" added to whole numbers.</summary>
    public static string FormatReal(double value)
    {
        if (double.IsNaN(value)) return "NaN";
        if (double.IsPositiveInfinity(value)) return "Infinity";
        if (double.IsNegativeInfinity(value)) return "-Infinity";
        string text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny(".eE") >= 0 ? text : text + ".0";
    }
}

internal sealed class MetricValueJsonConverter : JsonConverter<MetricValue>
{
    public override MetricValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True: return MetricValue.Of(true);
            case JsonTokenType.False: return MetricValue.Of(false);
            case JsonTokenType.String:
                string text = reader.GetString()!;
                return text switch
                {
                    "NaN" => MetricValue.Of(double.NaN),
                    "Infinity" => MetricValue.Of(double.PositiveInfinity),
                    "-Infinity" => MetricValue.Of(double.NegativeInfinity),
                    _ => MetricValue.Of(text),
                };
            case JsonTokenType.Number:
                string raw = reader.HasValueSequence
                    ? System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence))
                    : System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
                if (raw.AsSpan().IndexOfAny(".eE") < 0 && reader.TryGetInt64(out long integer))
                    return MetricValue.Of(integer);
                return MetricValue.Of(reader.GetDouble());
            default:
                throw new JsonException($"A metric must be a number, a boolean or a string; found {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, MetricValue value, JsonSerializerOptions options)
    {
        switch (value.Kind)
        {
            case MetricKind.Integer: writer.WriteNumberValue(value.Integer); break;
            case MetricKind.Boolean: writer.WriteBooleanValue(value.Boolean); break;
            case MetricKind.Text: writer.WriteStringValue(value.Text); break;
            default:
                if (double.IsFinite(value.Real)) writer.WriteRawValue(MetricValue.FormatReal(value.Real), skipInputValidation: true);
                else writer.WriteStringValue(MetricValue.FormatReal(value.Real));
                break;
        }
    }
}
