using JasperFx;
using Marten;
using Marten.Exceptions;
using Microsoft.Extensions.Options;
using Prometheus;
using Xylo.Api.Operations.Logging;

namespace Xylo.Api.Operations.Idempotency;

/// <summary>
/// Runs an <see cref="IdempotentAttribute"/> endpoint at most once per caller and <c>Idempotency-Key</c>:
/// the first request claims the key with an insert that only one writer can win, and every retry is
/// answered from the response stored when it finished.
/// </summary>
public sealed partial class IdempotencyMiddleware(
    RequestDelegate next,
    IDocumentStore store,
    IOptions<IdempotencyOptions> options,
    TimeProvider clock,
    IProblemDetailsService problems,
    ILogger<IdempotencyMiddleware> logger)
{
    public const string DifferentRequestDetail = "Idempotency-Key reused with a different request";
    public const string InProgressDetail = "a request with this Idempotency-Key is in progress";

    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(250);

    private static readonly Counter Replays = Prometheus.Metrics.CreateCounter(
        "xylo_idempotent_replays_total", "Responses answered from a stored Idempotency-Key instead of running the endpoint again.",
        new CounterConfiguration { LabelNames = ["route"] });

    private static readonly Counter Conflicts = Prometheus.Metrics.CreateCounter(
        "xylo_idempotency_conflicts_total", "Idempotency-Key requests answered 409: the key was reused with a different request, or its first request was still running.",
        new CounterConfiguration { LabelNames = ["route", "reason"] });

    private IdempotencyOptions Settings => options.Value;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Headers.TryGetValue(IdempotentRequest.Header, out var values))
        {
            await next(context);
            return;
        }

        // A malformed key is refused wherever it is sent: a client that believes its retries are safe must learn otherwise.
        if (IdempotentRequest.KeyProblem(values) is { } problem)
        {
            await WriteProblemAsync(context, StatusCodes.Status400BadRequest, "Invalid Idempotency-Key", problem);
            return;
        }

        if (context.GetEndpoint()?.Metadata.GetMetadata<IdempotentAttribute>() is null)
        {
            await next(context);
            return;
        }

        var request = await IdempotentRequest.ReadAsync(context, values[0]!);
        context.Features.Set(request);
        switch (await AcquireAsync(request, context.RequestAborted))
        {
            case Acquired.Claimed claimed:
                await ExecuteAsync(context, request, claimed.Record);
                break;
            case Acquired.Done done:
                await ReplayAsync(context, done.Record);
                break;
            case Acquired.Mismatch:
                Conflicts.WithLabels(RouteLabel.Of(context), "different_request").Inc();
                LogMismatch(logger, request.Key, request.Caller, request.Method, request.Target);
                await WriteProblemAsync(context, StatusCodes.Status409Conflict, "Conflict", DifferentRequestDetail);
                break;
            default:
                Conflicts.WithLabels(RouteLabel.Of(context), "in_progress").Inc();
                context.Response.Headers.RetryAfter = "1";
                await WriteProblemAsync(context, StatusCodes.Status409Conflict, "Conflict", InProgressDetail);
                break;
        }
    }

    private abstract record Acquired
    {
        public sealed record Claimed(IdempotencyRecord Record) : Acquired;

        public sealed record Done(IdempotencyRecord Record) : Acquired;

        public sealed record Mismatch : Acquired;

        public sealed record StillRunning : Acquired;
    }

    /// <summary>Claims the key, or finds what the request that holds it answered, waiting a bounded time for it to finish.</summary>
    private async Task<Acquired> AcquireAsync(IdempotentRequest request, CancellationToken cancellation)
    {
        var deadline = clock.GetUtcNow() + Settings.Wait;
        var poll = FirstPoll;
        while (true)
        {
            var now = clock.GetUtcNow();
            var claim = IdempotencyRecord.Start(request, now, Settings);
            if (await TryInsertAsync(claim, cancellation)) return new Acquired.Claimed(claim);

            var existing = await LoadAsync(request.RecordId, cancellation);
            if (existing is not null)
            {
                // Past its retention the key is free again, whatever it was used for, even before the cleaner runs.
                var expired = existing.ExpiresAt <= now;
                if (!expired && !request.IsSameRequestAs(existing)) return new Acquired.Mismatch();
                if (!expired && existing.IsCompleted()) return new Acquired.Done(existing);
                if (expired || existing.LeaseExpiresAt <= now)
                {
                    if (await TryTakeOverAsync(existing, claim, cancellation))
                    {
                        if (!expired) LogTakenOver(logger, request.Key, request.Caller, request.Method, request.Target, existing.StartedAt);
                        return new Acquired.Claimed(claim);
                    }

                    // Another request took it over first: it is running now, so wait for it like for any other.
                }
            }

            // Running elsewhere (or released a moment ago): look again shortly, until the deadline.
            if (now >= deadline) return new Acquired.StillRunning();
            await Task.Delay(poll, clock, cancellation);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, LongestPoll.Ticks));
        }
    }

    private async Task ExecuteAsync(HttpContext context, IdempotentRequest request, IdempotencyRecord claim)
    {
        var response = context.Response;
        var original = response.Body;
        await using var buffer = new MemoryStream();
        response.Body = buffer;
        try
        {
            await next(context);
        }
        catch
        {
            response.Body = original;
            await ReleaseAsync(claim);
            throw;
        }

        response.Body = original;
        var status = response.StatusCode;
        if (status is >= 200 and < 300 or >= 400 and < 500 && buffer.Length <= Settings.MaxStoredBodyBytes)
        {
            await CompleteAsync(claim, status, response.ContentType, response.Headers.Location, buffer.ToArray());
        }
        else
        {
            if (buffer.Length > Settings.MaxStoredBodyBytes) LogTooLarge(logger, request.Key, request.Caller, request.Method, request.Target, buffer.Length, Settings.MaxStoredBodyBytes);
            await ReleaseAsync(claim);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext context, IdempotencyRecord record)
    {
        Replays.WithLabels(RouteLabel.Of(context)).Inc();
        var response = context.Response;
        response.StatusCode = record.StatusCode!.Value;
        response.ContentType = record.ContentType;
        if (record.Location is { } location) response.Headers.Location = location;
        response.Headers[IdempotentRequest.ReplayedHeader] = "true";
        if (record.Body is { Length: > 0 } body)
        {
            response.ContentLength = body.Length;
            await response.Body.WriteAsync(body, context.RequestAborted);
        }
    }

    private async Task<bool> TryInsertAsync(IdempotencyRecord claim, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        session.Insert(claim);
        try
        {
            await session.SaveChangesAsync(cancellation);
            return true;
        }
        catch (DocumentAlreadyExistsException)
        {
            return false;
        }
    }

    private async Task<IdempotencyRecord?> LoadAsync(string id, CancellationToken cancellation)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<IdempotencyRecord>(id, cancellation);
    }

    /// <summary>Replaces a dead or expired record, unless another request replaced it first.</summary>
    private async Task<bool> TryTakeOverAsync(IdempotencyRecord existing, IdempotencyRecord claim, CancellationToken cancellation)
    {
        await using var session = store.LightweightSession();
        claim.Version = existing.Version;
        session.UpdateExpectedVersion(claim, existing.Version);
        session.Update(claim);
        try
        {
            await session.SaveChangesAsync(cancellation);
            return true;
        }
        catch (Exception ex) when (IsLostRace(ex))
        {
            return false;
        }
    }

    /// <summary>
    /// Stores the response, unless this attempt lost the key to a takeover. Never fails the request: the
    /// effect has happened and the caller gets its answer; a record left unfinished is taken over after its lease.
    /// </summary>
    private async Task CompleteAsync(IdempotencyRecord claim, int status, string? contentType, string? location, byte[] body)
    {
        try
        {
            await using var session = store.LightweightSession();
            var current = await session.LoadAsync<IdempotencyRecord>(claim.Id);
            if (current is null || current.Attempt != claim.Attempt)
            {
                LogLostKey(logger, claim.Key, claim.Caller, claim.Method, claim.Target);
                return;
            }

            var done = current.Complete(status, contentType, location, body, clock.GetUtcNow(), Settings);
            session.UpdateExpectedVersion(done, current.Version);
            session.Update(done);
            await session.SaveChangesAsync();
        }
        catch (Exception ex) when (IsLostRace(ex))
        {
            LogLostKey(logger, claim.Key, claim.Caller, claim.Method, claim.Target);
        }
        catch (Exception ex)
        {
            LogStoreFailed(logger, ex, claim.Key, claim.Caller, claim.Method, claim.Target);
        }
    }

    /// <summary>Frees the key after a failure so the client may retry; only this attempt's own claim is removed.</summary>
    private async Task ReleaseAsync(IdempotencyRecord claim)
    {
        try
        {
            await using var session = store.LightweightSession();
            session.DeleteWhere<IdempotencyRecord>(r => r.Id == claim.Id && r.Attempt == claim.Attempt);
            await session.SaveChangesAsync();
        }
        catch (Exception ex)
        {
            LogReleaseFailed(logger, ex, claim.Key, claim.Caller, claim.Method, claim.Target, Settings.LeaseSeconds);
        }
    }

    private static bool IsLostRace(Exception ex) =>
        ex is ConcurrencyException or ConcurrentUpdateException
        || ex is AggregateException aggregate && aggregate.InnerExceptions.All(IsLostRace);

    private Task WriteProblemAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Idempotency-Key {Key} of {Caller} reused with a different request ({Method} {Target}): answered 409")]
    private static partial void LogMismatch(ILogger logger, string key, string caller, string method, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency-Key {Key} of {Caller} on {Method} {Target} was still in progress since {StartedAt} past its lease: taken over and run again")]
    private static partial void LogTakenOver(ILogger logger, string key, string caller, string method, string target, DateTimeOffset startedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency-Key {Key} of {Caller} on {Method} {Target}: response of {Length} bytes is over the {Limit}-byte limit; not stored, key released")]
    private static partial void LogTooLarge(ILogger logger, string key, string caller, string method, string target, long length, int limit);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Idempotency-Key {Key} of {Caller} on {Method} {Target} was taken over while this request ran: its response was not stored")]
    private static partial void LogLostKey(ILogger logger, string key, string caller, string method, string target);

    [LoggerMessage(Level = LogLevel.Error, Message = "Idempotency-Key {Key} of {Caller} on {Method} {Target}: storing the response failed; retries get 409 until the lease ends, then run again")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, string key, string caller, string method, string target);

    [LoggerMessage(Level = LogLevel.Error, Message = "Idempotency-Key {Key} of {Caller} on {Method} {Target}: releasing the key after a failure failed; retries get 409 for up to {LeaseSeconds} s")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string key, string caller, string method, string target, int leaseSeconds);
}
