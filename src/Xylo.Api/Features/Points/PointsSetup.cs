using Marten;
using Wolverine;
using Xylo.Domain.Channels;
using Xylo.Domain.Points;
using Xylo.Domain.Users;

namespace Xylo.Api.Features.Points;

public static class PointsSetup
{
    public const string RulesQueue = "points-rules";

    public static IServiceCollection AddXyloPoints(this IServiceCollection services)
    {
        services.AddOptions<PointsOptions>().BindConfiguration(PointsOptions.Section);
        services.AddSingleton<LeaderboardCache>();
        services.AddSingleton<EarningRulesCache>();
        services.AddHostedService<EarningRulesListener>();
        services.AddSingleton<PointsMaintenance>();
        services.AddHostedService(sp => sp.GetRequiredService<PointsMaintenance>());
        PointsMetrics.Publish();

        // The domain events that fire earning rules travel through the transactional outbox to a durable
        // local queue: committed with the event that caused them, handled at least once, awarded once by source.
        services.ConfigureWolverine(wolverine =>
        {
            wolverine.PublishMessage<UserRegistered>().ToLocalQueue(RulesQueue);
            wolverine.PublishMessage<ChannelVerified>().ToLocalQueue(RulesQueue);
            wolverine.LocalQueue(RulesQueue).UseDurableInbox();
        });
        return services;
    }

    public static StoreOptions AddPointsDocuments(this StoreOptions options)
    {
        options.Schema.For<EarningRule>().Identity(r => r.Id);
        options.Schema.For<RuleBudgetUsage>().UseOptimisticConcurrency(true);
        options.Schema.For<ReferralCode>();
        options.Listeners.Add(new PointsMetrics());
        return options;
    }
}
