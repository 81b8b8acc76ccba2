using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CMLoRA.Storage.EntityConfigurations;

/// <summary>
/// SQLite cannot compare or order DateTimeOffset text, so the studio's own tables store instants as UTC ticks
/// (INTEGER): sortable, indexable and exact.
/// </summary>
public static class UtcTicks
{
    public static readonly ValueConverter<DateTimeOffset, long> Converter =
        new(value => value.UtcTicks, ticks => new DateTimeOffset(ticks, TimeSpan.Zero));

    public static readonly ValueConverter<DateTimeOffset?, long?> NullableConverter =
        new(value => value.HasValue ? value.Value.UtcTicks : null, ticks => ticks.HasValue ? new DateTimeOffset(ticks.Value, TimeSpan.Zero) : null);
}
