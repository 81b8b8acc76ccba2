namespace CMLoRA.Cli.Commands;

/// <summary>Process exit codes shared by every verb.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int ToleranceExceeded = 3;
    public const int Cancelled = 130;
}
