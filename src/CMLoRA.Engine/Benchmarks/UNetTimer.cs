using System.Diagnostics;
using CMLoRA.Engine.Models.Unet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// Adds up the time spent inside a UNet's calls, full or cached, from the start of <c>conv_in</c> to the end of
/// <c>conv_out</c>: every path of <see cref="Composition.FeatureCache.CachingUNet"/> begins and ends there, while a
/// hook on the UNet itself would miss the recording and shallow paths, which call its parts directly.
/// </summary>
internal sealed class UNetTimer : IDisposable
{
    private readonly List<Action> _removers = [];
    private long _start;

    public long Ticks { get; private set; }

    public double Seconds => Stopwatch.GetElapsedTime(0, Ticks).TotalSeconds;

    public UNetTimer(UNet2DConditionModel unet)
    {
        var modules = unet.named_children().ToDictionary(c => c.name, c => c.module);
        var convIn = (Conv2d)modules["conv_in"];
        var convOut = (Conv2d)modules["conv_out"];
        var pre = convIn.register_forward_pre_hook(_ => _start = Stopwatch.GetTimestamp());
        var post = convOut.register_forward_hook(_ => Ticks += Stopwatch.GetTimestamp() - _start);
        _removers.Add(pre.remove);
        _removers.Add(post.remove);
    }

    public void Reset() => Ticks = 0;

    public void Dispose()
    {
        foreach (var remove in _removers) remove();
        _removers.Clear();
    }
}
