using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Wolverine.Http;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Errors;
using Xylo.Domain.Points;

namespace Xylo.Api.Features.Points;

public static class RulesEndpoints
{
    [WolverineGet("/admin/rules"), Authorize(Policy = Policies.Admin)]
    public static async Task<IReadOnlyList<EarningRule>> Get(EarningRulesCache rules, CancellationToken cancellation)
    {
        var all = await rules.AllAsync(cancellation);
        return EarningRule.Defaults.Select(d => all[d.Id]).ToList();
    }

    /// <summary>
    /// Changes one rule's settings (its id and kind are fixed). A field the body leaves out keeps its current value, an
    /// explicit <c>null</c> clears an optional limit: a partial body once zeroed every missing field and disabled the rule.
    /// </summary>
    [WolverinePut("/admin/rules/{ruleId}"), Authorize(Policy = Policies.Admin)]
    public static async Task<IResult> Put(string ruleId, JsonObject changes, IDocumentSession session, EarningRulesCache rules, CancellationToken cancellation)
    {
        if (EarningRule.Defaults.FirstOrDefault(d => d.Id == ruleId) is not { } known) return Problems.NotFound($"no rule {ruleId}");
        if (Merge(await rules.GetAsync(ruleId, cancellation), changes) is not { } rule) return Problems.Invalid("body", "a field has the wrong type");
        if (rule.Id != ruleId || rule.Kind != known.Kind) return Problems.Invalid("id", $"must be {ruleId} with kind {known.Kind}");
        if (rule.Amount < 0 || rule.Amount > PointsDecisions.MaxSingleAmount) return Problems.Invalid("amount", $"must be 0–{PointsDecisions.MaxSingleAmount}");
        if (rule.ExpiryDays is <= 0) return Problems.Invalid("expiryDays", "must be positive when given");
        if (rule.PerUserDailyCap is <= 0) return Problems.Invalid("perUserDailyCap", "must be positive when given");
        if (rule.GlobalBudget is < 0) return Problems.Invalid("globalBudget", "must not be negative");
        if (rule.StreakEvery is <= 0) return Problems.Invalid("streakEvery", "must be positive when given");
        if (rule.ActiveFrom is { } from && rule.ActiveUntil is { } until && until <= from) return Problems.Invalid("activeUntil", "must be after activeFrom");
        if ((rule.Tiers ?? []).Any(t => t.Amount < 0 || t.MinSubscribers < 0)) return Problems.Invalid("tiers", "amounts and minimums must not be negative");

        session.Store(rule with { Tiers = rule.Tiers ?? [] });
        EarningRulesCache.NotifyOnCommit(session, ruleId);
        await session.SaveChangesAsync(cancellation);
        rules.Forget();
        return Results.Ok(rule);
    }

    private static EarningRule? Merge(EarningRule current, JsonObject changes)
    {
        var merged = JsonSerializer.SerializeToNode(current, JsonSerializerOptions.Web)!.AsObject();
        foreach (var (name, value) in changes)
        {
            if (merged.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) is { } existing)
            {
                merged.Remove(existing);
            }

            merged[name] = value?.DeepClone();
        }

        try
        {
            return merged.Deserialize<EarningRule>(JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
