using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CMLoRA.Engine.Models;

/// <summary>
/// An immutable list from a config file (block types, channel counts) that compares by value, so config records
/// built from the same JSON are equal.
/// </summary>
[JsonConverter(typeof(ConfigListJsonConverterFactory))]
public sealed class ConfigList<T> : IReadOnlyList<T>, IEquatable<ConfigList<T>>
{
    private readonly T[] _items;

    public ConfigList(IEnumerable<T> items) => _items = items.ToArray();

    public T this[int index] => _items[index];

    public int Count => _items.Length;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    public bool Equals(ConfigList<T>? other) => other is not null && _items.SequenceEqual(other._items);

    public override bool Equals(object? obj) => Equals(obj as ConfigList<T>);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in _items) hash.Add(item);
        return hash.ToHashCode();
    }

    public override string ToString() => "[" + string.Join(", ", _items) + "]";

    public static implicit operator ConfigList<T>(T[] items) => new(items);
}

internal sealed class ConfigListJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ConfigList<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(
            typeof(ConfigListJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
}

internal sealed class ConfigListJsonConverter<T> : JsonConverter<ConfigList<T>>
{
    public override ConfigList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException($"expected a list but found {reader.TokenType}");
        try
        {
            return new ConfigList<T>(JsonSerializer.Deserialize<T[]>(ref reader, options) ?? []);
        }
        catch (JsonException e) when (e.Path is not null)
        {
            // A nested Deserialize reports its own root as the path; rethrow so the outer reader adds the field name.
            throw new JsonException(ConfigJson.WithoutPath(e.Message), e);
        }
    }

    public override void Write(Utf8JsonWriter writer, ConfigList<T> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value.ToArray(), options);
}
