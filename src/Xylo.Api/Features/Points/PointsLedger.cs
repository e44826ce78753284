using Marten;
using JasperFx.Events;
using Xylo.Api.Hosting;
using Xylo.Domain;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

public abstract record AwardOutcome
{
    public sealed record Awarded(Guid LotId, long Amount) : AwardOutcome;

    /// <summary>The source was awarded before: replays and redeliveries change nothing.</summary>
    public sealed record AlreadyAwarded : AwardOutcome;

    public sealed record Refused(Rejection Why) : AwardOutcome;
}

/// <summary>
/// One user's points stream opened for writing in the caller's session. Every credit goes through
/// <see cref="AwardAsync"/>: the rule's window, caps and budget, then the account's own decision
/// (idempotent by source). The state follows what was appended, so several changes can be decided in
/// one transaction; the caller's transaction commits them.
/// </summary>
public sealed class LedgerAccount
{
    private readonly IDocumentSession _session;
    private readonly IEventStream<PointsAccount> _stream;
    private readonly Dictionary<string, RuleBudgetUsage> _budgets = [];

    private LedgerAccount(IDocumentSession session, IEventStream<PointsAccount> stream)
    {
        _session = session;
        _stream = stream;
        State = stream.Aggregate;
    }

    public Guid UserId => _stream.Id;

    public PointsAccount? State { get; private set; }

    public static async Task<LedgerAccount> OpenAsync(IDocumentSession session, Guid userId, CancellationToken cancellation) =>
        new(session, await session.Events.FetchForWriting<PointsAccount>(userId, cancellation));

    /// <summary>
    /// Opens the account under a transaction-scoped lock on the user, so the mint pipeline's own writers (a request
    /// and the settlement of an earlier mint of the same fan) wait for each other instead of one failing with 409.
    /// Lock order: a reward (<c>RewardStream.OpenLockedAsync</c>) before the account, never the other way round.
    /// </summary>
    public static async Task<LedgerAccount> OpenLockedAsync(IDocumentSession session, Guid userId, CancellationToken cancellation)
    {
        await TransactionLocks.TakeAsync(session, TransactionLocks.KeyOf(userId, TransactionLocks.PointsAccountScope), cancellation);
        return await OpenAsync(session, userId, cancellation);
    }

    public async Task<AwardOutcome> AwardAsync(EarningRule rule, long wanted, string source, string? reason, string? awardedBy,
        DateTimeOffset now, CancellationToken cancellation, string? ruleName = null)
    {
        if (State?.Sources.Contains(source) == true) return new AwardOutcome.AlreadyAwarded();

        RuleBudgetUsage? usage = null;
        if (rule.GlobalBudget is not null && !_budgets.TryGetValue(rule.Id, out usage))
        {
            usage = await _session.LoadAsync<RuleBudgetUsage>(rule.Id, cancellation) ?? new RuleBudgetUsage(rule.Id, 0);
        }

        var allowance = RuleLimits.Allow(rule, State, wanted, usage?.Used ?? 0, now);
        if (allowance.Refusal is { } refusal) return new AwardOutcome.Refused(new Rejection(RejectionKind.Unprocessable, refusal));

        var lotId = Guid.CreateVersion7();
        var decision = PointsDecisions.Earn(State,
            new EarnPoints(UserId, lotId, allowance.Amount, ruleName ?? rule.Id, source, reason, awardedBy, rule.ExpiresAt(now)), now);
        if (decision.Rejection is { } rejection) return new AwardOutcome.Refused(rejection);
        if (decision.Events.Count == 0) return new AwardOutcome.AlreadyAwarded();

        Append(decision);
        if (usage is not null)
        {
            _budgets[rule.Id] = usage with { Used = usage.Used + allowance.Amount };
            _session.Store(_budgets[rule.Id]);
        }

        return new AwardOutcome.Awarded(lotId, allowance.Amount);
    }

    /// <summary>Appends an accepted decision and moves the in-memory state past it.</summary>
    public void Append(Decision decision)
    {
        foreach (var e in decision.Events) State = PointsAccount.Evolve(State, e);

        _stream.AppendMany(decision.Events);
    }
}

public static class PointsRules
{
    public static async Task<EarningRule> LoadAsync(IQuerySession session, string ruleId, CancellationToken cancellation) =>
        await session.LoadAsync<EarningRule>(ruleId, cancellation)
        ?? EarningRule.Defaults.Single(r => r.Id == ruleId);
}
