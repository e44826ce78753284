using Microsoft.AspNetCore.Authorization;
using System.Collections.Concurrent;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;
using Xylo.Api.Operations.Idempotency;

namespace Xylo.Api.Tests.Support;

// Test-only [Idempotent] endpoints, discovered only by test hosts. Each answers with a fresh receipt so
// a replay is told apart from a second run, and counts its runs where a test can read them.

public sealed record CountRequest(int Amount);

public sealed record CountReceipt(string Name, int Amount, Guid Receipt);

/// <summary>One real effect of the counter probe: an event in a stream of its own.</summary>
public sealed record ProbeCounted(string Name, int Amount, Guid Receipt);

public static class CountProbeEndpoint
{
    [WolverinePost("/probe/counter/{name}"), AllowAnonymous, Idempotent]
    public static async Task<IResult> Post(string name, CountRequest request, IDocumentSession session)
    {
        ProbeRuns.Count(name);
        await ProbeGates.PassAsync(name);
        var receipt = Guid.CreateVersion7();
        // A stream per run: two runs (which is what the tests look for) never collide on a stream version.
        session.Events.StartStream(receipt, new ProbeCounted(name, request.Amount, receipt));
        return Results.Created($"/probe/counter/{name}/{receipt}", new CountReceipt(name, request.Amount, receipt));
    }
}

public static class RefusingProbeEndpoint
{
    [WolverinePost("/probe/refusal/{name}"), AllowAnonymous, Idempotent]
    public static IResult Post(string name)
    {
        ProbeRuns.Count(name);
        return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, detail: "refused on purpose",
            extensions: new Dictionary<string, object?> { ["receipt"] = Guid.CreateVersion7() });
    }
}

/// <summary>Fails its first run (by throwing, or with a 503), then succeeds.</summary>
public static class FlakyProbeEndpoint
{
    [WolverinePost("/probe/flaky/{name}"), AllowAnonymous, Idempotent]
    public static IResult Post(string name, string? failure)
    {
        if (ProbeRuns.Count(name) == 1)
        {
            return failure == "throw"
                ? throw new InvalidOperationException("probe failure on the first run")
                : Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, detail: "unavailable on the first run");
        }

        return Results.Created($"/probe/flaky/{name}", new CountReceipt(name, 1, Guid.CreateVersion7()));
    }
}

public static class LargeProbeEndpoint
{
    public const int Length = 1024 * 1024 + 1;

    [WolverinePost("/probe/large/{name}"), AllowAnonymous, Idempotent]
    public static IResult Post(string name)
    {
        ProbeRuns.Count(name);
        return Results.Text(new string('x', Length), "text/plain");
    }
}

/// <summary>Not opted in: the header means nothing here.</summary>
public static class PlainCountProbeEndpoint
{
    [WolverinePost("/probe/plain-counter/{name}"), AllowAnonymous]
    public static CountReceipt Post(string name)
    {
        ProbeRuns.Count(name);
        return new CountReceipt(name, 1, Guid.CreateVersion7());
    }
}

public static class ProbeRuns
{
    private static readonly ConcurrentDictionary<string, int> Runs = new();

    public static int Count(string name) => Runs.AddOrUpdate(name, 1, (_, runs) => runs + 1);

    public static int Of(string name) => Runs.GetValueOrDefault(name);
}

/// <summary>Lets a test hold the counter probe mid-run, so duplicates arrive while the first is in progress.</summary>
public static class ProbeGates
{
    private static readonly ConcurrentDictionary<string, Gate> Gates = new();

    public sealed class Gate
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Open() => _opened.TrySetResult();

        internal Task PassAsync()
        {
            _entered.TrySetResult();
            // Bounded, so a failing test cannot hang the host.
            return _opened.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public static Gate Close(string name) => Gates.GetOrAdd(name, _ => new Gate());

    internal static Task PassAsync(string name) => Gates.TryGetValue(name, out var gate) ? gate.PassAsync() : Task.CompletedTask;
}
