using Marten;
using JasperFx.Events;
using Xylo.Domain;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

/// <summary>
/// One user's points stream opened for writing in the caller's session. Every credit goes through
/// <see cref="EarnAsync"/>: the rule's window, caps and budget, then the account's own decision
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

    /// <summary>An account whose stream was fetched for writing in a batch query of <paramref name="session"/>.</summary>
    public static LedgerAccount Of(IDocumentSession session, IEventStream<PointsAccount> stream) => new(session, stream);

    /// <summary>
    /// Decides an earning (<see cref="EarningDecisions.Award"/>) and appends it: accepted with the <see cref="PointsEarned"/>
    /// credited, accepted with no event when the source was credited before, or refused.
    /// </summary>
    public async Task<Decision> EarnAsync(EarningRule rule, long wanted, string source, string? reason, string? awardedBy,
        DateTimeOffset now, CancellationToken cancellation, string? ruleName = null)
    {
        // Before the budget is read: a redelivery costs no round trip.
        if (State?.Sources.Contains(source) == true) return Decision.Accept();

        RuleBudgetUsage? usage = null;
        if (rule.GlobalBudget is not null && !_budgets.TryGetValue(rule.Id, out usage))
        {
            usage = await _session.LoadAsync<RuleBudgetUsage>(rule.Id, cancellation) ?? new RuleBudgetUsage(rule.Id, 0);
        }

        var decision = EarningDecisions.Award(rule, State, UserId, Guid.CreateVersion7(), wanted, source, reason, awardedBy, usage?.Used ?? 0, now, ruleName);
        if (decision.Events is not [PointsEarned earned]) return decision;

        Append(decision);
        if (usage is not null)
        {
            _budgets[rule.Id] = usage with { Used = usage.Used + earned.Amount };
            _session.Store(_budgets[rule.Id]);
        }

        return decision;
    }

    /// <summary>Appends an accepted decision and moves the in-memory state past it.</summary>
    public void Append(Decision decision)
    {
        foreach (var e in decision.Events) State = PointsAccount.Evolve(State, e);

        _stream.AppendMany(decision.Events);
    }
}
