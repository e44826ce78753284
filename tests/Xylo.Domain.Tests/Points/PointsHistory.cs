using Xylo.Domain.Points;

namespace Xylo.Domain.Tests.Points;

/// <summary>Events of one user's points stream, with defaults that leave only what a test is about.</summary>
public static class PointsHistory
{
    public static readonly Guid UserId = Guid.CreateVersion7();

    public static DateTimeOffset Day(int n) => Given.Now.AddDays(n);

    public static PointsEarned Earned(Guid lotId, long amount, DateTimeOffset? expiresAt = null, DateTimeOffset? earnedAt = null, string? source = null) =>
        new(UserId, lotId, amount, "comment", source ?? $"test:{lotId}", null, null, earnedAt ?? Day(-10), expiresAt);

    public static PointsReserved Reserved(Guid holdId, DateTimeOffset expiresAt, params LotAllocation[] allocations) =>
        new(UserId, holdId, allocations.Sum(a => a.Amount), allocations, "redeem", Day(-1), expiresAt);

    public static PointsSpent Spent(Guid holdId, long amount) => new(UserId, holdId, amount, Day(-1));

    public static PointsReleased Released(Guid holdId, long amount) => new(UserId, holdId, amount, "cancelled", Day(-1));

    public static PointsDeducted Deducted(string source, params LotAllocation[] allocations) =>
        new(UserId, allocations.Sum(a => a.Amount), allocations, "fraud", "admin-1", source, Day(-1));

    public static EarnPoints Earn(Guid lotId, long amount, string source = "video:1", DateTimeOffset? expiresAt = null) =>
        new(UserId, lotId, amount, "comment", source, "commented on a video", null, expiresAt);

    public static ReservePoints Reserve(Guid holdId, long amount, DateTimeOffset? expiresAt = null) =>
        new(UserId, holdId, amount, "redeem", expiresAt ?? Given.Now.AddMinutes(15));

    public static DeductPoints Deduct(long amount, string source = "admin:ticket:1") =>
        new(UserId, amount, "fraud", "admin-1", source);
}
