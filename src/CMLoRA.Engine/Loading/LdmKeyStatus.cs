namespace CMLoRA.Engine.Loading;

/// <summary>What <see cref="LdmKeyMapper"/> decided about one single-file key.</summary>
public enum LdmKeyStatus
{
    /// <summary>The key names a weight of a component; see <see cref="LdmKeyMapping.DiffusersKey"/>.</summary>
    Mapped,

    /// <summary>A known extra that carries no weight of the inference model (EMA copy, schedule buffer, position ids, …).</summary>
    Ignored,

    /// <summary>No rule recognises the key.</summary>
    Unknown,
}
