namespace CMLoRA.Engine.Profiling;

/// <summary>How one LoRA of a job was profiled.</summary>
/// <param name="LoraId">The LoRA's id in the job.</param>
/// <param name="Origin">Where its score came from, or <see cref="LoraProfileOrigin.None"/>.</param>
/// <param name="Profile">The profile read or made; null for <see cref="LoraProfileOrigin.Given"/> and <see cref="LoraProfileOrigin.None"/>.</param>
/// <param name="Warning">Why a sidecar was ignored or could not be written; null when nothing went wrong.</param>
public sealed record LoraProfileStatus(string LoraId, LoraProfileOrigin Origin, LoraProfile? Profile, string? Warning = null);
