namespace Xylo.Domain;

/// <summary>Free text the log keeps for ever (why a user was suspended, why points were awarded or adjusted).</summary>
public static class TextLimits
{
    public const int MaxReasonLength = 500;

    public static Rejection? MissingReason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength
            ? new Rejection(RejectionKind.Invalid, $"reason is required (at most {MaxReasonLength} characters)")
            : null;
}
