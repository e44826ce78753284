using Alba;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xylo.Api.Tests.Support;
using Xylo.Domain.Points;

namespace Xylo.Api.Tests.Points;

[Collection(PointsCollection.Name)]
public sealed class EventMetadataTests(PointsFixture fixture)
{
    [Fact]
    public async Task An_event_appended_for_a_signed_in_user_records_who_and_the_correlation()
    {
        var user = await fixture.SignInWithXAsync();

        var checkedIn = await fixture.Host.Scenario(s =>
        {
            s.Post.Url("/me/checkins");
            s.WithBearer(user);
            s.StatusCodeShouldBeOk();
        });

        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(user.User.Id, token: TestContext.Current.CancellationToken);
        var checkIn = events.Single(e => e.Data is PointsEarned { Rule: "daily-checkin" });
        checkIn.UserName.ShouldBe(user.User.Id.ToString());
        checkIn.CorrelationId.ShouldBe(checkedIn.Context.Response.Headers["X-Correlation-Id"].ToString(),
            "the id in the response and in the log lines is the one on the event");
    }

    [Fact]
    public async Task A_correlation_id_the_caller_sends_is_the_one_on_the_events()
    {
        var user = await fixture.SignInWithXAsync();
        var correlationId = $"client-{Guid.NewGuid():N}";

        await fixture.Host.Scenario(s =>
        {
            s.Post.Url("/me/checkins");
            s.WithBearer(user);
            s.WithRequestHeader("X-Correlation-Id", correlationId);
            s.StatusCodeShouldBeOk();
        });

        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await session.Events.FetchStreamAsync(user.User.Id, token: TestContext.Current.CancellationToken);
        events.Single(e => e.Data is PointsEarned { Rule: "daily-checkin" }).CorrelationId.ShouldBe(correlationId);
    }
}
