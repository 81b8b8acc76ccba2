using CMLoRA.Engine.Composition.Schedules;

namespace CMLoRA.Engine.Composition;

/// <summary>Creates the schedule of a <see cref="CompositionMethod"/> from its options.</summary>
public static class CompositionScheduleFactory
{
    /// <summary>
    /// The schedule of <paramref name="method"/>, configured by <paramref name="options"/> (null: the method's defaults).
    /// </summary>
    /// <exception cref="ArgumentException">The options belong to another method.</exception>
    public static ICompositionSchedule Create(CompositionMethod method, CompositionOptions? options = null)
    {
        if (options is not null && options.Method != method)
            throw new ArgumentException(
                $"{options.GetType().Name} configures {options.Method}, not {method}.", nameof(options));
        return method switch
        {
            CompositionMethod.None => new NoLoraSchedule((NoLoraOptions?)options),
            CompositionMethod.Merge => new MergeSchedule((MergeOptions?)options),
            CompositionMethod.Switch => new SwitchSchedule((SwitchOptions?)options),
            CompositionMethod.Composite => new CompositeSchedule((CompositeOptions?)options),
            CompositionMethod.CmLora => new CmLoraSchedule((CmLoraOptions?)options),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown composition method."),
        };
    }

    /// <summary>The schedule configured by <paramref name="options"/>.</summary>
    public static ICompositionSchedule Create(CompositionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Create(options.Method, options);
    }
}
