using System.Text.Json;
using System.Text.Json.Serialization;

namespace CMLoRA.Engine.Models;

/// <summary>
/// A diffusers config value that is either one value for every block (<c>"attention_head_dim": 8</c>) or one value
/// per down block (<c>"attention_head_dim": [5, 10, 20, 20]</c>). Compares by value.
/// </summary>
[JsonConverter(typeof(PerBlockJsonConverterFactory))]
public sealed class PerBlock<T> : IEquatable<PerBlock<T>>
{
    private readonly T[] _values;

    /// <summary>One value shared by every block.</summary>
    public PerBlock(T value)
    {
        _values = [value];
        IsShared = true;
    }

    /// <summary>One value per down block, in down-block order.</summary>
    public PerBlock(IEnumerable<T> values)
    {
        _values = values.ToArray();
        IsShared = false;
    }

    /// <summary>True when the config gave a single value rather than a list.</summary>
    public bool IsShared { get; }

    /// <summary>The raw values: one when <see cref="IsShared"/>, else one per block.</summary>
    public IReadOnlyList<T> Values => _values;

    /// <summary>The value for each of <paramref name="blockCount"/> down blocks; throws naming <paramref name="field"/> on a length mismatch.</summary>
    public T[] Resolve(int blockCount, string field)
    {
        if (IsShared) return Enumerable.Repeat(_values[0], blockCount).ToArray();
        if (_values.Length != blockCount)
            throw new ModelConfigException(
                $"{field} has {_values.Length} values but the model has {blockCount} down blocks");
        return _values.ToArray();
    }

    public bool Equals(PerBlock<T>? other) =>
        other is not null && IsShared == other.IsShared && _values.SequenceEqual(other._values);

    public override bool Equals(object? obj) => Equals(obj as PerBlock<T>);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(IsShared);
        foreach (var value in _values) hash.Add(value);
        return hash.ToHashCode();
    }

    public override string ToString() => IsShared ? $"{_values[0]}" : "[" + string.Join(", ", _values) + "]";

    public static implicit operator PerBlock<T>(T value) => new(value);

    public static implicit operator PerBlock<T>(T[] values) => new((IEnumerable<T>)values);
}

internal sealed class PerBlockJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(PerBlock<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(
            typeof(PerBlockJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
}

internal sealed class PerBlockJsonConverter<T> : JsonConverter<PerBlock<T>>
{
    public override PerBlock<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        try
        {
            if (reader.TokenType == JsonTokenType.StartArray)
                return new PerBlock<T>(JsonSerializer.Deserialize<T[]>(ref reader, options) ?? []);
            var value = JsonSerializer.Deserialize<T>(ref reader, options)
                ?? throw new JsonException("expected a value or a list of values");
            return new PerBlock<T>(value);
        }
        catch (JsonException e) when (e.Path is not null)
        {
            // A nested Deserialize reports its own root as the path; rethrow so the outer reader adds the field name.
            throw new JsonException(ConfigJson.WithoutPath(e.Message), e);
        }
    }

    public override void Write(Utf8JsonWriter writer, PerBlock<T> value, JsonSerializerOptions options)
    {
        if (value.IsShared) JsonSerializer.Serialize(writer, value.Values[0], options);
        else JsonSerializer.Serialize(writer, value.Values.ToArray(), options);
    }
}
