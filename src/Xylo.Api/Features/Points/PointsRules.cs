using Marten;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

public static class PointsRules
{
    public static async Task<EarningRule> LoadAsync(IQuerySession session, string ruleId, CancellationToken cancellation) =>
        await session.LoadAsync<EarningRule>(ruleId, cancellation)
        ?? EarningRule.Defaults.Single(r => r.Id == ruleId);
}
