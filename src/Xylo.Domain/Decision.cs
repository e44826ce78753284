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

/// <summary>
/// The outcome of every pure decision: the events to append, or why nothing is appended. Accepted with no
/// events means there is nothing to do (a retry, a duplicate).
/// </summary>
public record Decision(IReadOnlyList<object> Events, Rejection? Rejection)
{
    public bool IsAccepted => Rejection is null;

    public static Decision Accept(params object[] events) => new(events, null);

    public static Decision Reject(RejectionKind kind, string message) => new([], new Rejection(kind, message));

    public static Decision Reject(Rejection rejection) => new([], rejection);
}

/// <summary>
/// A decision that also answers with a value: how much a rule allows, or the events of each stream of a
/// multi-stream command (then <see cref="Decision.Events"/> holds them all, in the order they are appended).
/// </summary>
public sealed record Decision<T>(T? Value, IReadOnlyList<object> Events, Rejection? Rejection) : Decision(Events, Rejection)
{
    public static Decision<T> Accept(T value, params object[] events) => new(value, events, null);

    public static new Decision<T> Reject(RejectionKind kind, string message) => new(default, [], new Rejection(kind, message));

    public static Decision<T> Refused(Rejection rejection) => new(default, [], rejection);

    public void Deconstruct(out T? value, out Rejection? rejection) => (value, rejection) = (Value, Rejection);
}
