// Spec 4.3: the refresh-step sets, described independently of the run length.
namespace CMLoRA.Engine.Composition.Schedules;

/// <summary>
/// A refresh-step set described independently of the run length (spec 4.3); <see cref="Steps"/> resolves it for a run.
/// Create one with <see cref="Uniform"/>, <see cref="Quadratic"/> or <see cref="Piecewise"/>.
/// </summary>
public sealed record RefreshSpec
{
    private RefreshSpec(RefreshScheduleKind kind, int interval, double centerFraction, double power)
    {
        Kind = kind;
        Interval = interval;
        CenterFraction = centerFraction;
        Power = power;
    }

    /// <summary>Shape of the set.</summary>
    public RefreshScheduleKind Kind { get; }

    /// <summary>Uniform: the refresh interval c. Quadratic: the nominal interval, giving ⌈T/c⌉ refresh steps. Piecewise: unused (0).</summary>
    public int Interval { get; }

    /// <summary>Quadratic only: the centre as a fraction of the run, resolved as round(fraction·T) (half away from zero).</summary>
    public double CenterFraction { get; }

    /// <summary>Quadratic only: the starting exponent of the search (DeepCache's examples use 1.4).</summary>
    public double Power { get; }

    /// <summary>Refresh every <paramref name="interval"/> steps: {0, c, 2c, …}.</summary>
    public static RefreshSpec Uniform(int interval)
    {
        if (interval < 1)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A refresh interval must be at least 1 step.");
        return new RefreshSpec(RefreshScheduleKind.Uniform, interval, 0, 0);
    }

    /// <summary>DeepCache's quadratic set with ⌈T/<paramref name="interval"/>⌉ steps, dense around round(<paramref name="centerFraction"/>·T).</summary>
    public static RefreshSpec Quadratic(int interval, double centerFraction, double power = 1.4)
    {
        if (interval < 1)
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "A refresh interval must be at least 1 step.");
        if (!(centerFraction >= 0 && centerFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(centerFraction), centerFraction, "The centre must be a fraction of the run in [0, 1].");
        if (!(power > 1) || double.IsInfinity(power))
            throw new ArgumentOutOfRangeException(nameof(power), power, "The power must be a finite number greater than 1.");
        return new RefreshSpec(RefreshScheduleKind.Quadratic, interval, centerFraction, power);
    }

    /// <summary>The reference's "interval 0" set: strides 2 / 3 / 2 over the first 37.5 %, next 50 % and last 12.5 % of the run.</summary>
    public static RefreshSpec Piecewise() => new(RefreshScheduleKind.Piecewise, 0, 0, 0);

    /// <summary>The centre step of a quadratic set for a run of <paramref name="steps"/> steps.</summary>
    public int CenterStep(int steps) => (int)Math.Round(CenterFraction * steps, MidpointRounding.AwayFromZero);

    /// <summary>The refresh steps of a <paramref name="steps"/>-step run, sorted, starting at 0.</summary>
    public IReadOnlyList<int> Steps(int steps) => Kind switch
    {
        RefreshScheduleKind.Uniform => RefreshSchedule.Uniform(steps, Interval),
        RefreshScheduleKind.Piecewise => RefreshSchedule.Piecewise(steps),
        _ => RefreshSchedule.QuadraticCentred(steps, RefreshSchedule.QuadraticCount(steps, Interval), CenterStep(steps), Power).Steps,
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        RefreshScheduleKind.Uniform => $"uniform every {Interval}",
        RefreshScheduleKind.Piecewise => "piecewise 2/3/2",
        _ => $"quadratic 1/{Interval} centred at {CenterFraction:0.###} (power {Power})",
    };
}
