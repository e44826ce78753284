namespace Xylo.Domain;

/// <summary>Why a command was refused, in terms the edge maps to an HTTP status.</summary>
public enum RejectionKind
{
    Invalid,
    Forbidden,
    NotFound,
    Conflict,
    Unprocessable,
}

public sealed record Rejection(RejectionKind Kind, string Message);

/// <summary>The outcome of a pure decision: the events to append, or why nothing is appended.</summary>
public sealed record Decision(IReadOnlyList<object> Events, Rejection? Rejection)
{
    public bool IsAccepted => Rejection is null;

    public static Decision Accept(params object[] events) => new(events, null);

    public static Decision Reject(RejectionKind kind, string message) => new([], new Rejection(kind, message));
}
