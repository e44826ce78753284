using Marten;
using Microsoft.Extensions.Http.Resilience;
using Nethereum.JsonRpc.Client;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Marten;
using Xylo.Api.Chain;
using Xylo.Api.External.Slack;

namespace Xylo.Api.Features.Mints;

public static class MintsSetup
{
    /// <summary>Sequential: the signer's nonces are taken one batch at a time, in request order.</summary>
    public const string SignerQueue = "chain-signer";

    public const string ChainQueue = "chain";
    public const string NotificationsQueue = "notifications";

    public static IServiceCollection AddXyloMints(this IServiceCollection services)
    {
        services.AddOptions<MintPipelineOptions>().BindConfiguration(MintPipelineOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ChainGateway>();
        services.AddSingleton<MintReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<MintReconciler>());
        services.AddSingleton<MintLooks>();
        services.AddHostedService<MintReceiptWatcher>();
        services.SubscribeToEvents(new MintWorkSubscription());
        services.AddHttpClient(SlackNoticeHandler.HttpClientName).AddStandardResilienceHandler();
        MintMetrics.Publish();

        services.ConfigureWolverine(wolverine =>
        {
            wolverine.PublishMessage<SignMints>().ToLocalQueue(SignerQueue);
            wolverine.PublishMessage<ReplaceMintTransaction>().ToLocalQueue(SignerQueue);
            wolverine.LocalQueue(SignerQueue).Sequential().UseDurableInbox();

            wolverine.PublishMessage<BroadcastMint>().ToLocalQueue(ChainQueue);
            wolverine.PublishMessage<BroadcastMints>().ToLocalQueue(ChainQueue);
            wolverine.PublishMessage<TrackMint>().ToLocalQueue(ChainQueue);
            wolverine.PublishMessage<ResumeDeferredMints>().ToLocalQueue(ChainQueue);
            wolverine.LocalQueue(ChainQueue).MaximumParallelMessages(8).UseDurableInbox();

            wolverine.PublishMessage<SlackNotice>().ToLocalQueue(NotificationsQueue);
            wolverine.LocalQueue(NotificationsQueue).UseDurableInbox();

            // A node that does not answer: retry soon, then back off; the reconciler picks up what is left after that.
            wolverine.OnException<HttpRequestException>().Or<RpcClientUnknownException>().Or<RpcClientTimeoutException>().Or<TaskCanceledException>()
                .RetryWithCooldown(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2))
                .Then.ScheduleRetry(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));
            // Two steps of one mint at once (a duplicate from the reconciler) are a ConcurrencyException, retried for
            // every handler in CritterStackSetup. Two nodes taking the signer's very first nonce: one insert loses; its
            // retry reads the winner's document.
            wolverine.OnException(e => e.GetType().Name == "DocumentAlreadyExistsException").RetryWithCooldown(
                TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));
        });
        return services;
    }

    public static StoreOptions AddMintDocuments(this StoreOptions options)
    {
        options.AddChainDocuments();
        options.Listeners.Add(new MintMetrics());
        return options;
    }
}
