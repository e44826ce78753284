namespace Xylo.Api.Features.Points;

/// <summary>How much of a rule's global budget is spent; versioned, so concurrent awards cannot overspend it.</summary>
public sealed record RuleBudgetUsage(string Id, long Used);
