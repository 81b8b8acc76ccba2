using CMLoRA.Engine.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Models.Blocks;

/// <summary>
/// diffusers' <c>Timesteps</c> (<c>time_proj</c>): the sinusoidal embedding of (possibly fractional) timesteps,
/// computed in float32 exactly as <c>get_timestep_embedding</c> does. Has no parameters.
/// </summary>
public sealed class Timesteps : nn.Module<Tensor, Tensor>
{
    private readonly long _channels;
    private readonly bool _flipSinToCos;
    private readonly double _freqShift;

    public Timesteps(long channels, bool flipSinToCos, double freqShift) : base(nameof(Timesteps))
    {
        _channels = channels;
        _flipSinToCos = flipSinToCos;
        _freqShift = freqShift;
        RegisterComponents();
    }

    /// <param name="timesteps">[B] timesteps of any numeric dtype; returns [B, channels] float32 on the same device.</param>
    public override Tensor forward(Tensor timesteps)
    {
        long half = _channels / 2;
        using var t = timesteps.to_type(ScalarType.Float32).reshape(-1, 1);
        using var range = ScalarSafeOps.Arange(0, half, ScalarType.Float32, timesteps.device);
        // Same operation order as diffusers: (-ln(10000) · i) / (half − shift), then exp.
        // Explicit Scalars that live until the calls return (an implicit temporary can be finalized mid-call by a GC).
        using Scalar logBase = (-Math.Log(10000.0)).ToScalar();
        using Scalar divisor = ((double)(half - _freqShift)).ToScalar();
        using var scaled = range.mul(logBase);
        using var exponent = scaled.div(divisor);
        using var freqs = exponent.exp();
        using var angles = t.mul(freqs.unsqueeze(0));
        using var sin = angles.sin();
        using var cos = angles.cos();
        Tensor embedding = _flipSinToCos ? cat([cos, sin], -1) : cat([sin, cos], -1);
        if (_channels % 2 == 1)
        {
            using var unpadded = embedding;
            embedding = nn.functional.pad(unpadded, (0L, 1L, 0L, 0L));
        }
        return embedding;
    }
}
