using Marten;
using Xylo.Api.Operations.Errors;
using Xylo.Domain;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Users;

/// <summary>Loads a user's stream, runs a pure decision, appends what it decided (saved by Wolverine's transaction).</summary>
public static class UserCommands
{
    public static async Task<IResult> DecideAsync(IDocumentSession session, Guid userId, Func<User, Decision> decide, CancellationToken cancellation)
    {
        var stream = await session.Events.FetchForWriting<User>(userId, cancellation);
        if (stream.Aggregate is null) return Problems.NotFound($"user {userId} does not exist");

        var decision = decide(stream.Aggregate);
        if (decision.Rejection is { } rejection) return rejection.ToProblem();

        stream.AppendMany(decision.Events);
        return Results.NoContent();
    }
}
