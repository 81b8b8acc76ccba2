using CMLoRA.Storage;
using CMLoRA.Storage.Library;

namespace CMLoRA.Web.Library;

/// <summary>How a new LoRA enters the library: who owns it, who sees it, and optional A1111 sidecar data.</summary>
public sealed record IngestRequest(Visibility Visibility = Visibility.Private, LoraCategory Category = LoraCategory.Other)
{
    public SidecarFiles Sidecars { get; init; } = SidecarFiles.None;
}
