using CsCheck;
using Shouldly;
using Xylo.Domain.Points;

namespace Xylo.Domain.Tests.Points;

/// <summary>
/// Random sequences of every points operation, with time moving forward by generated steps, checked after
/// each appended event against the ledger's invariants and against bookkeeping kept here from the events alone.
/// </summary>
public sealed class PointsLedgerPropertyTests
{
    private const long Iterations = 3000;
    private const int HoldKeys = 8;
    private const int SourceKeys = 16;

    private static readonly Guid UserId = Id(0, 0);

    private abstract record Step(int Minutes);

    private sealed record Earning(int Minutes, long Amount, int Source, int? ExpiresInMinutes) : Step(Minutes);

    private sealed record Reserving(int Minutes, long Amount, int Hold, int ExpiresInMinutes) : Step(Minutes);

    private sealed record Posting(int Minutes, int Hold) : Step(Minutes);

    private sealed record Voiding(int Minutes, int Hold) : Step(Minutes);

    private sealed record Deducting(int Minutes, long Amount, int Source) : Step(Minutes);

    private sealed record ExpiringLots(int Minutes) : Step(Minutes);

    private sealed record ReleasingStaleHolds(int Minutes) : Step(Minutes);

    // Mostly no time between operations, sometimes hours, sometimes days: lots and holds expire mid-sequence.
    private static readonly Gen<int> Elapsed = Gen.Frequency(
        (6, Gen.Const(0)),
        (3, Gen.Int[1, 12 * 60]),
        (2, Gen.Int[12 * 60, 3 * 24 * 60]));

    private static readonly Gen<long> Amount = Gen.Frequency(
        (40, Gen.Long[1, 150]),
        (2, Gen.OneOf(Gen.Const(0L), Gen.Const(-1L), Gen.Const(PointsDecisions.MaxSingleAmount + 1))),
        (1, Gen.Const(PointsDecisions.MaxSingleAmount)));

    // Larger than most lots, so a hold or deduction usually spans several.
    private static readonly Gen<long> DebitAmount = Gen.Frequency((10, Gen.Long[1, 250]), (1, Amount));

    private static readonly Gen<Step> AnyStep = Gen.Frequency(
        (6, Gen.Select(Elapsed, Amount, Gen.Int[0, SourceKeys - 1], Gen.Nullable(Gen.Int[-30, 6 * 24 * 60], 0.3), (m, a, s, e) => (Step)new Earning(m, a, s, e))),
        (4, Gen.Select(Elapsed, DebitAmount, Gen.Int[0, HoldKeys - 1], Gen.Int[-10, 2 * 24 * 60], (m, a, h, e) => (Step)new Reserving(m, a, h, e))),
        (3, Gen.Select(Elapsed, Gen.Int[0, HoldKeys - 1], (m, h) => (Step)new Posting(m, h))),
        (2, Gen.Select(Elapsed, Gen.Int[0, HoldKeys - 1], (m, h) => (Step)new Voiding(m, h))),
        (1, Gen.Select(Elapsed, DebitAmount, Gen.Int[0, 3], (m, a, s) => (Step)new Deducting(m, a, s))),
        (2, Elapsed.Select(m => (Step)new ExpiringLots(m))),
        (2, Elapsed.Select(m => (Step)new ReleasingStaleHolds(m))));

    private static readonly Gen<Step[]> Sequences = AnyStep.Array[1, 60];

    [Fact]
    public void Any_sequence_of_operations_keeps_every_point_accounted_for()
    {
        var coverage = new Coverage();
        var output = TestContext.Current.TestOutputHelper;

        Sequences.Sample(steps => new Walk(coverage).Run(steps), writeLine: output is null ? null : output.WriteLine, iter: Iterations);

        output?.WriteLine(coverage.ToString());
        // The generators must keep reaching the cases that matter, or the run above proves little.
        coverage.HoldsOverSeveralLots.ShouldBeGreaterThan(Iterations / 2);
        coverage.ReleasesIntoExpiredLots.ShouldBeGreaterThan(Iterations / 20);
        coverage.ExpiriesOfPartlyUsedLots.ShouldBeGreaterThan(Iterations / 10);
        coverage.PostsOfStalePendingHolds.ShouldBeGreaterThan(Iterations / 50);
        coverage.EarnReplays.ShouldBeGreaterThan(Iterations / 2);
        coverage.HoldReplays.ShouldBeGreaterThan(Iterations / 10);
        coverage.InsufficientRejections.ShouldBeGreaterThan(Iterations / 2);
        coverage.Settlements.ShouldBeGreaterThan(Iterations);
    }

    private static void AcceptsNothing(Decision decision, string because = "an idempotent replay appends nothing")
    {
        decision.Rejection.ShouldBeNull(because);
        decision.Events.ShouldBeEmpty(because);
    }

    private static Guid Id(short kind, int n) => new(n, kind, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    private static Guid LotId(int step) => Id(1, step);

    private static Guid HoldId(int key) => Id(2, key);

    private static DateTimeOffset ExpiryKey(Lot lot) => lot.ExpiresAt ?? DateTimeOffset.MaxValue;

    private sealed class Coverage
    {
        private long _holdsOverSeveralLots, _releasesIntoExpiredLots, _expiriesOfPartlyUsedLots, _postsOfStalePendingHolds;
        private long _earnReplays, _holdReplays, _insufficientRejections, _settlements;

        public long HoldsOverSeveralLots => Interlocked.Read(ref _holdsOverSeveralLots);

        public long ReleasesIntoExpiredLots => Interlocked.Read(ref _releasesIntoExpiredLots);

        public long ExpiriesOfPartlyUsedLots => Interlocked.Read(ref _expiriesOfPartlyUsedLots);

        public long PostsOfStalePendingHolds => Interlocked.Read(ref _postsOfStalePendingHolds);

        public long EarnReplays => Interlocked.Read(ref _earnReplays);

        public long HoldReplays => Interlocked.Read(ref _holdReplays);

        public long InsufficientRejections => Interlocked.Read(ref _insufficientRejections);

        public long Settlements => Interlocked.Read(ref _settlements);

        public void HoldOverSeveralLots() => Interlocked.Increment(ref _holdsOverSeveralLots);

        public void ReleaseIntoExpiredLot() => Interlocked.Increment(ref _releasesIntoExpiredLots);

        public void ExpiryOfPartlyUsedLot() => Interlocked.Increment(ref _expiriesOfPartlyUsedLots);

        public void PostOfStalePendingHold() => Interlocked.Increment(ref _postsOfStalePendingHolds);

        public void EarnReplay() => Interlocked.Increment(ref _earnReplays);

        public void HoldReplay() => Interlocked.Increment(ref _holdReplays);

        public void InsufficientRejection() => Interlocked.Increment(ref _insufficientRejections);

        public void Settlement() => Interlocked.Increment(ref _settlements);

        public override string ToString() =>
            $"holds over several lots {HoldsOverSeveralLots}, releases into expired lots {ReleasesIntoExpiredLots}, " +
            $"expiries of partly used lots {ExpiriesOfPartlyUsedLots}, posts of stale pending holds {PostsOfStalePendingHolds}, " +
            $"earn replays {EarnReplays}, hold replays {HoldReplays}, insufficient rejections {InsufficientRejections}, settlements {Settlements}";
    }

    /// <summary>One sequence: the account as Marten would build it, and what the events say it must add up to.</summary>
    private sealed class Walk(Coverage coverage)
    {
        private readonly Dictionary<Guid, long> _takenFromLot = [];
        private readonly Dictionary<Guid, long> _consumedFromLot = [];
        private readonly Dictionary<Guid, long> _expiredFromLot = [];
        private readonly Dictionary<Guid, int> _settlements = [];
        private PointsAccount? _account;
        private DateTimeOffset _now = Given.Now;
        private long _earned, _spent, _expired;

        public void Run(Step[] steps)
        {
            for (var i = 0; i < steps.Length; i++)
            {
                _now = _now.AddMinutes(steps[i].Minutes);
                switch (steps[i])
                {
                    case Earning s: Earn(i, s); break;
                    case Reserving s: Reserve(s); break;
                    case Posting s: Post(s); break;
                    case Voiding s: Void(s); break;
                    case Deducting s: Deduct(s); break;
                    case ExpiringLots: ExpireLots(); break;
                    case ReleasingStaleHolds: ReleaseStaleHolds(); break;
                    default: throw new ArgumentOutOfRangeException(nameof(steps), steps[i], "unknown step");
                }
            }
        }

        private void Earn(int step, Earning s)
        {
            var command = new EarnPoints(UserId, LotId(step), s.Amount, "comment", $"earn:{s.Source}", null, null, s.ExpiresInMinutes is { } m ? _now.AddMinutes(m) : null);
            var decision = PointsDecisions.Earn(_account, command, _now);

            if (s.Amount is < 1 or > PointsDecisions.MaxSingleAmount)
            {
                decision.Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
                return;
            }

            if (_account?.Sources.Contains(command.Source) == true)
            {
                coverage.EarnReplay();
                AcceptsNothing(decision, "an awarded source is never awarded again");
                return;
            }

            if (command.ExpiresAt <= _now)
            {
                decision.Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
                return;
            }

            decision.Events.ShouldHaveSingleItem().ShouldBeOfType<PointsEarned>().Amount.ShouldBe(s.Amount);
            Append(decision);

            var replays = new[] { command, command with { LotId = Id(3, step), Amount = 1, ExpiresAt = null } };
            foreach (var replay in replays)
            {
                PointsDecisions.Earn(_account, replay, _now).Events.ShouldBeEmpty("replaying an earn source never changes the account");
            }
        }

        private void Reserve(Reserving s)
        {
            var command = new ReservePoints(UserId, HoldId(s.Hold), s.Amount, "redeem", _now.AddMinutes(s.ExpiresInMinutes));
            var decision = PointsDecisions.Reserve(_account, command, _now);

            if (s.Amount is < 1 or > PointsDecisions.MaxSingleAmount)
            {
                decision.Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
                return;
            }

            if (_account?.Holds.GetValueOrDefault(command.HoldId) is { } existing)
            {
                coverage.HoldReplay();
                if (existing.Amount == s.Amount) AcceptsNothing(decision);
                else decision.Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
                return;
            }

            if (command.HoldExpiresAt <= _now)
            {
                decision.Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
                return;
            }

            if (!Debit(decision, s.Amount)) return;

            var reserved = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<PointsReserved>();
            if (reserved.Allocations.Count > 1) coverage.HoldOverSeveralLots();
            Append(decision);
        }

        private void Deduct(Deducting s)
        {
            var command = new DeductPoints(UserId, s.Amount, "correction", "admin-1", $"deduct:{s.Source}");
            var decision = PointsDecisions.Deduct(_account, command, _now);

            if (s.Amount is < 1 or > PointsDecisions.MaxSingleAmount)
            {
                decision.Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
                return;
            }

            if (_account?.Sources.Contains(command.Source) == true)
            {
                AcceptsNothing(decision, "a deduction source is deducted once");
                return;
            }

            if (!Debit(decision, s.Amount)) return;

            decision.Events.ShouldHaveSingleItem().ShouldBeOfType<PointsDeducted>();
            Append(decision);
        }

        /// <summary>A debit is refused exactly when too little is spendable, and otherwise takes the soonest-expiring points.</summary>
        private bool Debit(Decision decision, long amount)
        {
            var spendable = _account?.AvailableAt(_now) ?? 0;
            if (amount > spendable)
            {
                coverage.InsufficientRejection();
                decision.Rejection.ShouldBe(new Rejection(RejectionKind.Conflict, $"insufficient points: {spendable} available"));
                return false;
            }

            decision.IsAccepted.ShouldBeTrue();
            var account = _account.ShouldNotBeNull();
            var allocations = decision.Events.ShouldHaveSingleItem() switch
            {
                PointsReserved e => e.Allocations,
                PointsDeducted e => e.Allocations,
                var e => throw new ShouldAssertException($"a debit appended {e.GetType().Name}"),
            };

            allocations.Sum(a => a.Amount).ShouldBe(amount);
            allocations.Select(a => a.LotId).ShouldBeUnique();
            var taken = allocations.ToDictionary(a => a.LotId, a => a.Amount);
            var lots = account.Lots.ToDictionary(lot => lot.LotId);
            foreach (var allocation in allocations)
            {
                var lot = lots[allocation.LotId];
                lot.IsExpiredAt(_now).ShouldBeFalse("a debit never takes from a lot past its expiry");
                allocation.Amount.ShouldBeInRange(1, lot.Remaining);
            }

            // FIFO by expiry: no point left behind in a lot that expires sooner than one the debit took from.
            var latestTaken = allocations.Max(a => ExpiryKey(lots[a.LotId]));
            var leftBehind = account.Lots.Where(lot => !lot.IsExpiredAt(_now) && lot.Remaining > taken.GetValueOrDefault(lot.LotId));
            leftBehind.Where(lot => ExpiryKey(lot) < latestTaken).ShouldBeEmpty("a debit takes the soonest-expiring points first");
            return true;
        }

        private void Post(Posting s)
        {
            var hold = _account?.Holds.GetValueOrDefault(HoldId(s.Hold));
            var decision = PointsDecisions.Post(_account, new PostHold(UserId, HoldId(s.Hold)), _now);

            switch (hold?.Status)
            {
                case null:
                    decision.Rejection!.Kind.ShouldBe(RejectionKind.NotFound);
                    break;
                case HoldStatus.Pending:
                    decision.Events.ShouldBe([new PointsSpent(UserId, hold.HoldId, hold.Amount, _now)]);
                    if (hold.ExpiresAt <= _now) coverage.PostOfStalePendingHold();
                    Append(decision);
                    break;
                case HoldStatus.Spent:
                    AcceptsNothing(decision);
                    break;
                case HoldStatus.Released:
                    decision.Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
                    break;
            }
        }

        private void Void(Voiding s)
        {
            var hold = _account?.Holds.GetValueOrDefault(HoldId(s.Hold));
            var decision = PointsDecisions.Void(_account, new VoidHold(UserId, HoldId(s.Hold), "cancelled"), _now);

            switch (hold?.Status)
            {
                case null:
                    decision.Rejection!.Kind.ShouldBe(RejectionKind.NotFound);
                    break;
                case HoldStatus.Pending:
                    decision.Events.ShouldBe([new PointsReleased(UserId, hold.HoldId, hold.Amount, "cancelled", _now)]);
                    Append(decision);
                    break;
                case HoldStatus.Released:
                    AcceptsNothing(decision);
                    break;
                case HoldStatus.Spent:
                    decision.Rejection!.Kind.ShouldBe(RejectionKind.Conflict);
                    break;
            }
        }

        private void ExpireLots()
        {
            if (_account is null) return;

            Append(PointsDecisions.ExpireLots(_account, _now));

            _account.Lots.Where(lot => lot.IsExpiredAt(_now) && lot.Remaining > 0).ShouldBeEmpty("expiry leaves nothing in a lot past its expiry");
            _account.AvailableAt(_now).ShouldBe(_account.Available);
            PointsDecisions.ExpireLots(_account, _now).Events.ShouldBeEmpty("expiring twice expires once");
        }

        private void ReleaseStaleHolds()
        {
            if (_account is null) return;

            Append(PointsDecisions.ReleaseStaleHolds(_account, _now));

            _account.Holds.Values.Where(hold => hold.Status == HoldStatus.Pending && hold.ExpiresAt <= _now).ShouldBeEmpty("no stale hold stays pending");
            PointsDecisions.ReleaseStaleHolds(_account, _now).Events.ShouldBeEmpty("releasing twice releases once");
        }

        private void Append(Decision decision)
        {
            decision.IsAccepted.ShouldBeTrue();
            foreach (var e in decision.Events)
            {
                Record(e);
                _account = Given.Evolve(_account, [e]);
                CheckInvariants(_account!);
            }
        }

        /// <summary>Bookkeeping from the events alone, checked against the state before the event is applied.</summary>
        private void Record(object e)
        {
            switch (e)
            {
                case PointsEarned x:
                    _earned += x.Amount;
                    break;
                case PointsReserved x:
                    Take(x.Allocations);
                    break;
                case PointsDeducted x:
                    Take(x.Allocations);
                    Consume(x.Allocations);
                    _spent += x.Amount;
                    break;
                case PointsSpent x:
                    Settle(x.HoldId);
                    Consume(_account!.Holds[x.HoldId].Allocations);
                    _spent += x.Amount;
                    break;
                case PointsReleased x:
                    Settle(x.HoldId);
                    foreach (var allocation in _account!.Holds[x.HoldId].Allocations)
                    {
                        _takenFromLot[allocation.LotId] -= allocation.Amount;
                        if (_account.Lots.Single(lot => lot.LotId == allocation.LotId).IsExpiredAt(_now)) coverage.ReleaseIntoExpiredLot();
                    }

                    break;
                case PointsExpired x:
                    var expiring = _account!.Lots.Single(lot => lot.LotId == x.LotId);
                    expiring.IsExpiredAt(_now).ShouldBeTrue("only a lot past its expiry expires");
                    x.Amount.ShouldBe(expiring.Remaining, "expiry removes exactly what is left of the lot");
                    if (expiring.Remaining < expiring.Amount) coverage.ExpiryOfPartlyUsedLot();
                    Take([new LotAllocation(x.LotId, x.Amount)]);
                    _expiredFromLot[x.LotId] = _expiredFromLot.GetValueOrDefault(x.LotId) + x.Amount;
                    _expired += x.Amount;
                    break;
                default:
                    throw new ShouldAssertException($"not a points event: {e.GetType().Name}");
            }
        }

        private void Take(IEnumerable<LotAllocation> allocations)
        {
            foreach (var a in allocations) _takenFromLot[a.LotId] = _takenFromLot.GetValueOrDefault(a.LotId) + a.Amount;
        }

        private void Consume(IEnumerable<LotAllocation> allocations)
        {
            foreach (var a in allocations) _consumedFromLot[a.LotId] = _consumedFromLot.GetValueOrDefault(a.LotId) + a.Amount;
        }

        private void Settle(Guid holdId)
        {
            coverage.Settlement();
            _settlements[holdId] = _settlements.GetValueOrDefault(holdId) + 1;
            _settlements[holdId].ShouldBe(1, "a hold is posted or voided at most once");
        }

        private void CheckInvariants(PointsAccount account)
        {
            account.Available.ShouldBeGreaterThanOrEqualTo(0);
            account.Held.ShouldBeGreaterThanOrEqualTo(0);
            account.AvailableAt(_now).ShouldBeInRange(0, account.Available);
            (account.Available + account.Held + account.Spent + account.Expired).ShouldBe(account.Earned, "every point earned is available, held, spent or expired");
            (account.Earned, account.Spent, account.Expired).ShouldBe((_earned, _spent, _expired), "the totals are the sums of their events");

            foreach (var lot in account.Lots)
            {
                lot.Remaining.ShouldBeInRange(0, lot.Amount);
                lot.Remaining.ShouldBe(lot.Amount - _takenFromLot.GetValueOrDefault(lot.LotId), "a lot keeps what its allocations did not take");
                (_consumedFromLot.GetValueOrDefault(lot.LotId) + _expiredFromLot.GetValueOrDefault(lot.LotId))
                    .ShouldBeLessThanOrEqualTo(lot.Amount, "no point of a lot is both spent and expired");
            }

            account.Expired.ShouldBeLessThanOrEqualTo(account.Lots.Where(lot => lot.ExpiresAt is not null).Sum(lot => lot.Amount), "only expiring lots expire");
        }
    }
}
