using CMLoRA.Engine.Tensors;

namespace CMLoRA.Engine.Lora;

/// <summary>
/// A parsed, validated LoRA file. It keeps the file open so that module factors are read lazily; dispose it when done.
/// </summary>
public sealed class LoraModel : IDisposable
{
    private readonly SafetensorsFile _file;
    private readonly Dictionary<LoraTargetKey, LoraModuleWeights> _byTarget;

    internal LoraModel(SafetensorsFile file, LoraNaming naming, LoraMetadata metadata, BaseModelDetection baseModel,
        IReadOnlyList<LoraModuleWeights> modules)
    {
        _file = file;
        Naming = naming;
        Metadata = metadata;
        BaseModel = baseModel;
        Modules = modules;
        _byTarget = modules.ToDictionary(m => m.Target);
        RankHistogram = modules.Where(m => m.Rank > 0).GroupBy(m => m.Rank)
            .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key)
            .ToDictionary(g => g.Key, g => g.Count());
        AlphaHistogram = modules.Where(m => m.Rank > 0).GroupBy(m => m.Alpha)
            .OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key)
            .ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>The file path as opened.</summary>
    public string Path => _file.Path;

    /// <summary>The file name without extension (the name prompts refer to, like A1111's default).</summary>
    public string Name => System.IO.Path.GetFileNameWithoutExtension(_file.Path);

    public long FileLength => _file.FileLength;

    public LoraNaming Naming { get; }

    public LoraMetadata Metadata { get; }

    public BaseModelDetection BaseModel { get; }

    /// <summary>Every module, in file order of its first tensor.</summary>
    public IReadOnlyList<LoraModuleWeights> Modules { get; }

    /// <summary>
    /// DoRA if any module has a DoRA magnitude; else LoKr or LoHa if any module uses them; else LoCon if any module has a
    /// k×k kernel or a Tucker core; else LoRA.
    /// </summary>
    public LoraNetworkType NetworkType =>
        Modules.Any(m => m.IsDora) ? LoraNetworkType.DoRA
        : Modules.Any(m => m.Algorithm == LoraAlgorithm.LoKr) ? LoraNetworkType.LoKr
        : Modules.Any(m => m.Algorithm == LoraAlgorithm.LoHa) ? LoraNetworkType.LoHa
        : Modules.Any(m => m.HasTuckerCore || (m.DeltaShape.Length == 4 && m.DeltaShape[2] * m.DeltaShape[3] > 1)) ? LoraNetworkType.LoCon
        : LoraNetworkType.LoRA;

    public int UnetModuleCount => Modules.Count(m => m.Component == LoraComponent.Unet);

    public int TextEncoderModuleCount => Modules.Count(m => m.Component == LoraComponent.TextEncoder);

    /// <summary>Module count per rank, most common first (full-matrix LoKr modules, rank 0, are left out).</summary>
    public IReadOnlyDictionary<int, int> RankHistogram { get; }

    /// <summary>Module count per effective alpha, most common first.</summary>
    public IReadOnlyDictionary<double, int> AlphaHistogram { get; }

    /// <summary>The most common rank (the larger one on a tie), or 0 when no module has a rank.</summary>
    public int MostCommonRank => RankHistogram.Keys.FirstOrDefault();

    /// <summary>The most common effective alpha, or null when no module has a rank.</summary>
    public double? MostCommonAlpha => AlphaHistogram.Count == 0 ? null : AlphaHistogram.Keys.First();

    /// <summary>The module that patches <paramref name="target"/>, or null.</summary>
    public LoraModuleWeights? Find(LoraTargetKey target) => _byTarget.GetValueOrDefault(target);

    public void Dispose() => _file.Dispose();
}
