using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Hosting;
using Xylo.Api.Operations.Errors;
using Xylo.Api.Operations.Idempotency;
using Xylo.Api.Operations.Security;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Xylo.Domain;
using Xylo.Domain.Points;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Points;

public sealed record AwardEntry(Guid? UserId, long? Amount, string? Reason, string? Source);

/// <summary>Either one award (<c>userId</c>, <c>amount</c>, <c>reason</c>) or up to 10,000 in <c>awards</c>.</summary>
public sealed record AwardRequest(Guid? UserId, long? Amount, string? Reason, string? Source, IReadOnlyList<AwardEntry>? Awards);

public sealed record AwardResult(int Index, Guid? UserId, string Status, long? Amount, Guid? LotId, string? Error);

public sealed record AwardResponse(int Total, int Awarded, int Duplicates, int Failed, IReadOnlyList<AwardResult> Results);

public static partial class AwardPointsEndpoint
{
    public const int MaxEntries = 10_000;
    public const int BatchSize = 500;

    /// <summary>
    /// Admin or integration awards. Entries are processed in batches of <see cref="BatchSize"/>, each
    /// batch one transaction on the request's one connection; every entry gets its own result, and an entry that
    /// fails writes nothing. Each entry's source (given, or derived from the Idempotency-Key) makes a retried request
    /// harmless. Who awarded and the correlation id are set on the session by Wolverine and <c>CorrelationIdOnEvents</c>.
    /// </summary>
    [WolverinePost("/points/awards"), Authorize(Policy = Policies.Awarder), Idempotent, RequestSizeLimit(RequestBounds.AwardsBodyBytes),
     RequestTimeout(RequestBounds.AwardsTimeoutMilliseconds)]
    public static async Task<IResult> Post(AwardRequest request, HttpContext http, ClaimsPrincipal caller, IDocumentSession session,
        IDocumentStore store, EarningRulesCache rules, TimeProvider clock, ILogger<AwardRequest> logger, CancellationToken cancellation)
    {
        var entries = request.Awards ?? (request.UserId is null && request.Amount is null
            ? []
            : [new AwardEntry(request.UserId, request.Amount, request.Reason, request.Source)]);
        if (entries.Count is 0 or > MaxEntries) return Problems.Invalid("awards", $"give one award or 1–{MaxEntries:N0} in awards");

        // With a key, a retry after a lost answer re-derives the same sources and credits nothing twice.
        var requestKey = IdempotentRequest.Of(http) is { } idempotent
            ? Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotent.RecordId)))[..32]
            : Guid.CreateVersion7().ToString("N");
        var awardedBy = caller.FindFirst(CurrentUser.SubjectClaim)?.Value ?? "unknown";
        var rule = await rules.GetAsync(EarningRule.AdminAwardId, cancellation);
        var results = new AwardResult[entries.Count];
        var refusals = new Rejection?[entries.Count];
        var batches = (entries.Count + BatchSize - 1) / BatchSize;
        await using var writer = new RetryingSession(session, store);
        for (var batch = 0; batch < batches; batch++)
        {
            var range = Enumerable.Range(batch * BatchSize, Math.Min(BatchSize, entries.Count - (batch * BatchSize))).ToList();
            await AwardBatchAsync(writer, rule, entries, range, results, refusals, requestKey, awardedBy, clock.GetUtcNow(), cancellation);
            if (batches > 1) LogBatch(logger, batch + 1, batches, entries.Count);
        }

        // One award is one command: refused, it is a problem like any other; the bulk form answers per entry.
        if (request.Awards is null && refusals[0] is { } refused) return refused.ToProblem();

        return Results.Ok(new AwardResponse(entries.Count,
            results.Count(r => r.Status == "awarded"), results.Count(r => r.Status == "duplicate"), results.Count(r => r.Status == "failed"), results));
    }

    private static async Task AwardBatchAsync(RetryingSession writer, EarningRule rule, IReadOnlyList<AwardEntry> entries, List<int> range,
        AwardResult[] results, Rejection?[] refusals, string requestKey, string awardedBy, DateTimeOffset now, CancellationToken cancellation)
    {
        // A concurrent write to one of the batch's accounts fails the whole batch's commit: decide it again (sources keep it idempotent).
        for (var attempt = 1; ; attempt++)
        {
            var session = writer.Current;
            try
            {
                var userIds = range.Select(i => entries[i].UserId).OfType<Guid>().Distinct().ToList();
                if (attempt > 1)
                {
                    // The race was lost once: this time the batch waits for its accounts' locks, so retries on hot accounts
                    // queue behind each other instead of failing again. The first attempt stays lock-free (no extra statement).
                    await TransactionLocks.TakeAllAsync(session,
                        userIds.Select(id => TransactionLocks.KeyOf(id, TransactionLocks.PointsAccountScope)), cancellation);
                }

                // The users and their accounts in one round trip.
                var reads = session.CreateBatchQuery();
                var usersRead = reads.LoadMany<User>().ById(userIds.ToArray());
                var accountsRead = userIds.ToDictionary(id => id, id => reads.Events.FetchForWriting<PointsAccount>(id));
                await reads.Execute(cancellation);
                var users = (await usersRead).ToDictionary(u => u.Id);
                var accounts = new Dictionary<Guid, LedgerAccount>();
                foreach (var index in range)
                {
                    var entry = entries[index];
                    var user = entry.UserId is { } id ? users.GetValueOrDefault(id) : null;
                    if (EarningDecisions.CanAward(entry.UserId, user, entry.Amount, entry.Reason).Rejection is { } invalid)
                    {
                        results[index] = new AwardResult(index, entry.UserId, "failed", null, null, invalid.Message);
                        refusals[index] = invalid;
                        continue;
                    }

                    var userId = entry.UserId!.Value;
                    if (!accounts.TryGetValue(userId, out var account))
                    {
                        accounts[userId] = account = LedgerAccount.Of(session, await accountsRead[userId]);
                    }

                    var source = string.IsNullOrWhiteSpace(entry.Source) ? $"award:{requestKey}:{index}" : $"award:{entry.Source.Trim()}";
                    var earned = await account.EarnAsync(rule, entry.Amount!.Value, source, entry.Reason!.Trim(), awardedBy, now, cancellation);
                    refusals[index] = earned.Rejection;
                    results[index] = earned switch
                    {
                        { Rejection: { } refused } => new AwardResult(index, userId, "failed", null, null, refused.Message),
                        { Events: [PointsEarned credit] } => new AwardResult(index, userId, "awarded", credit.Amount, credit.LotId, null),
                        _ => new AwardResult(index, userId, "duplicate", null, null, "this award's source was already credited"),
                    };
                }

                await session.SaveChangesAsync(cancellation);
                return;
            }
            catch (JasperFx.ConcurrencyException) when (attempt < 3)
            {
                await writer.RenewAsync();
            }
        }
    }

    /// <summary>
    /// The request's session (Wolverine's: it carries who acts and the correlation id), until a commit fails on a concurrent
    /// write. Then the batch is decided again on a new session with the same metadata: the failed session still remembers the
    /// accounts as its own decision had advanced them, so deciding again on it found every award already credited.
    /// </summary>
    private sealed class RetryingSession(IDocumentSession request, IDocumentStore store) : IAsyncDisposable
    {
        private IDocumentSession? _own;

        public IDocumentSession Current => _own ?? request;

        public async Task RenewAsync()
        {
            // Wolverine commits its session after the endpoint: nothing of the failed attempt may remain in it.
            request.EjectAllPendingChanges();
            if (_own is not null) await _own.DisposeAsync();
            _own = store.LightweightSession();
            _own.CorrelationId = request.CorrelationId;
            _own.CausationId = request.CausationId;
            _own.LastModifiedBy = request.LastModifiedBy;
        }

        public async ValueTask DisposeAsync()
        {
            if (_own is not null) await _own.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Awards: batch {Batch}/{Batches} committed ({Entries} entries in all)")]
    private static partial void LogBatch(ILogger logger, int batch, int batches, int entries);
}
