namespace Xylo.Domain;

/// <summary>Free text the log keeps for ever (why a user was suspended, why points were awarded or adjusted).</summary>
public static class TextLimits
{
    public const int MaxReasonLength = 500;

    public static Rejection? MissingReason(string? reason) =>
        string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonLength
            ? new Rejection(RejectionKind.Invalid, $"reason is required (at most {MaxReasonLength} characters)")
            : Unstorable("reason", reason);

    /// <summary>PostgreSQL's text and jsonb cannot hold a NUL character: such a value is refused before anything is written.</summary>
    public static Rejection? Unstorable(string name, string? value) =>
        value?.Contains('\0', StringComparison.Ordinal) == true ? new Rejection(RejectionKind.Invalid, $"{name} must not contain NUL characters") : null;
}
