namespace CMLoRA.Web.Library;

/// <summary>Validates a stored LoRA file and reads what the library records about it.</summary>
public interface ILoraInspector
{
    /// <summary>Throws <see cref="LoraRejectedException"/> with a plain-language reason for anything that is not a usable LoRA.</summary>
    Task<LoraInspection> InspectAsync(string path, CancellationToken cancellationToken = default);
}
