using System.Diagnostics;
using CMLoRA.Engine.Models.Blocks;
using CMLoRA.Engine.Models.Clip;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace CMLoRA.Engine.Benchmarks;

/// <summary>
/// Splits the wall time of forwards by kind of layer: convolutions by kernel and output size, linear layers by role
/// and token count, the attention core (SDPA and its head reshapes, exclusive of q/k/v/out) by query × key length,
/// group and layer norms, GEGLU's gate. Time is exclusive: a layer nested in a profiled layer is subtracted from it.
/// What no hook sees (SiLU, residual additions, concatenations, upsampling, copies) is the "other" row of
/// <see cref="Rows"/>. CPU only: CUDA kernels are asynchronous and would be charged to whoever synchronises.
/// </summary>
public sealed class LayerProfiler : IDisposable
{
    /// <summary>The category of everything outside the profiled layers.</summary>
    public const string Other = "other (SiLU, adds, cat, upsample, copies)";

    private readonly List<Action> _removers = [];
    private readonly Stack<(long Start, long Children)> _frames = new();
    private readonly Dictionary<string, (int Calls, long Ticks, double Flops)> _totals = new(StringComparer.Ordinal);

    /// <summary>Hooks the layers of <paramref name="model"/>; dispose to remove the hooks.</summary>
    public LayerProfiler(nn.Module model)
    {
        // named_modules() leaves out the module itself; a lone layer is profiled too.
        foreach (var (name, module) in model.named_modules().Prepend(("", model)))
        {
            switch (module)
            {
                case Linear linear:
                    string role = LinearRole(name);
                    Hook(linear, linear.register_forward_pre_hook(Enter), linear.register_forward_hook((_, _, output) =>
                    {
                        long tokens = output.dim() == 3 ? output.shape[1] : output.shape[0];
                        Leave($"linear {role} @{tokens} tok", FlopCounter.LinearFlops(linear, output));
                        return output;
                    }));
                    break;
                case Conv2d conv:
                    Hook(conv, conv.register_forward_pre_hook(Enter), conv.register_forward_hook((_, _, output) =>
                    {
                        long k = conv.weight!.shape[2];
                        Leave($"conv {k}×{k} @{output.shape[2]}×{output.shape[3]}", FlopCounter.ConvFlops(conv, output));
                        return output;
                    }));
                    break;
                case Attention attention:
                    Hook(attention, attention.register_forward_pre_hook(Enter), attention.register_forward_hook((_, hidden, context, output) =>
                    {
                        long queries = hidden.dim() == 4 ? hidden.shape[2] * hidden.shape[3] : hidden.shape[1];
                        string kind = context is null ? "self" : "cross";
                        Leave($"attention core {kind} {queries}×{context?.shape[1] ?? queries}", FlopCounter.AttentionFlops(hidden, context));
                        return output;
                    }));
                    break;
                case CLIPAttention clip:
                    Hook(clip, clip.register_forward_pre_hook(Enter), clip.register_forward_hook((_, hidden, output) =>
                    {
                        Leave($"attention core causal {hidden.shape[1]}×{hidden.shape[1]}", FlopCounter.AttentionFlops(hidden, null));
                        return output;
                    }));
                    break;
                case GroupNorm norm:
                    Hook(norm, norm.register_forward_pre_hook(Enter), norm.register_forward_hook(_ => Leave("group norm", 0)));
                    break;
                case LayerNorm norm:
                    Hook(norm, norm.register_forward_pre_hook(Enter), norm.register_forward_hook(_ => Leave("layer norm", 0)));
                    break;
                case GEGLU geglu:
                    Hook(geglu, geglu.register_forward_pre_hook(Enter), geglu.register_forward_hook(_ => Leave("GEGLU gate (gelu·mul)", 0)));
                    break;
            }
        }
    }

    /// <summary>
    /// The profile of everything run since construction or <see cref="Reset"/>, slowest first, with an
    /// <see cref="Other"/> row holding <paramref name="totalSeconds"/> minus the profiled time.
    /// </summary>
    public IReadOnlyList<LayerProfileRow> Rows(double totalSeconds)
    {
        var rows = _totals.Select(p => new LayerProfileRow(p.Key, p.Value.Calls, Stopwatch.GetElapsedTime(0, p.Value.Ticks).TotalSeconds, p.Value.Flops / 1e9))
            .ToList();
        double profiled = rows.Sum(r => r.Seconds);
        rows.Add(new LayerProfileRow(Other, 0, Math.Max(0, totalSeconds - profiled), 0));
        return rows.OrderByDescending(r => r.Seconds).ToList();
    }

    /// <summary>Forgets what was measured so far.</summary>
    public void Reset()
    {
        _totals.Clear();
        _frames.Clear();
    }

    /// <summary>Removes every hook.</summary>
    public void Dispose()
    {
        foreach (var remove in _removers) remove();
        _removers.Clear();
    }

    private void Hook<TPre, TPost>(nn.HookableModule<TPre, TPost> module, nn.HookableModule<TPre, TPost>.HookRemover pre,
        nn.HookableModule<TPre, TPost>.HookRemover post)
    {
        _removers.Add(pre.remove);
        _removers.Add(post.remove);
        GC.KeepAlive(module);
    }

    private void Enter(nn.Module _) => _frames.Push((Stopwatch.GetTimestamp(), 0));

    private void Leave(string category, double flops)
    {
        long now = Stopwatch.GetTimestamp();
        var (start, children) = _frames.Pop();
        long elapsed = now - start;
        var total = _totals.GetValueOrDefault(category);
        _totals[category] = (total.Calls + 1, total.Ticks + elapsed - children, total.Flops + flops);
        if (_frames.TryPop(out var parent)) _frames.Push((parent.Start, parent.Children + elapsed));
    }

    // Module paths name the role: diffusers' ff.net.*, CLIP's mlp.*, attention's to_*/q_proj…, time embeddings.
    private static string LinearRole(string path)
    {
        if (path.Contains(".ff.") || path.Contains(".mlp.")) return "feed-forward";
        if (path.Contains("time_emb")) return "time embedding";
        if (path.Contains("proj_in") || path.Contains("proj_out")) return "proj in/out";
        return "attention projection";
    }
}
