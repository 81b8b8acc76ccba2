namespace CMLoRA.Web.Library;

public enum ServiceStatus
{
    Ok,
    NotFound,
    Forbidden,
    Invalid,
}

/// <summary>
/// The outcome of a library or collection operation. Something the caller may not see is NotFound (its existence is
/// not revealed); something visible but not theirs to change is Forbidden.
/// </summary>
public sealed record ServiceResult<T>(ServiceStatus Status, T? Value, string? Error)
{
    public bool IsOk => Status == ServiceStatus.Ok;
    public static ServiceResult<T> Ok(T value) => new(ServiceStatus.Ok, value, null);
    public static ServiceResult<T> NotFound() => new(ServiceStatus.NotFound, default, "not found");
    public static ServiceResult<T> Forbidden(string error) => new(ServiceStatus.Forbidden, default, error);
    public static ServiceResult<T> Invalid(string error) => new(ServiceStatus.Invalid, default, error);
}
