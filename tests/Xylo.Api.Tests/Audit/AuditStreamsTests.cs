using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Alba;
using Shouldly;
using Xylo.Api.Features.Auth;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Audit;

[Collection(DevelopmentCollection.Name)]
public sealed class AuditStreamsTests(DevelopmentFixture fixture)
{
    private IAlbaHost Host => fixture.Host;

    [Fact]
    public async Task A_stream_history_and_its_state_at_a_version_or_a_moment_equal_a_replay_of_the_events_up_to_there()
    {
        var admin = await Host.DevSignInAsync(roles: ["admin"]);
        var auditor = await Host.DevSignInAsync(roles: ["auditor"]);
        var fan = await Host.DevSignInAsync();
        await Host.AwardEachAsync(admin, fan.User.Id, 10, 20, 30);

        var history = await Host.GetJsonAsync($"/audit/streams/{fan.User.Id}", auditor);
        history.GetProperty("streamType").GetString().ShouldBe("user");
        var events = history.GetProperty("events").EnumerateArray().ToList();
        events.Select(e => e.GetProperty("version").GetInt64()).ShouldBe(Enumerable.Range(1, events.Count).Select(v => (long)v));
        events.Select(e => e.GetProperty("seq").GetInt64()).ShouldBe(await Host.StreamSequencesAsync(fan.User.Id));

        // The expected state is replayed here from the history itself: points earned up to each version.
        foreach (var upTo in new[] { events.Count - 2, events.Count })
        {
            var expectedEarned = events.Take(upTo).Where(e => e.GetProperty("type").GetString() == "points_earned")
                .Sum(e => e.GetProperty("data").GetProperty("Amount").GetInt64());
            var byVersion = await Host.GetJsonAsync($"/audit/streams/{fan.User.Id}/state?version={upTo}&aggregate=points_account", auditor);
            byVersion.GetProperty("state").GetProperty("earned").GetInt64().ShouldBe(expectedEarned);

            var at = events[upTo - 1].GetProperty("timestamp").GetDateTimeOffset();
            var byTime = await Host.GetJsonAsync(
                $"/audit/streams/{fan.User.Id}/state?at={Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture))}&aggregate=points_account", auditor);
            byTime.GetProperty("state").GetProperty("earned").GetInt64().ShouldBe(expectedEarned);
        }

        var user = await Host.GetJsonAsync($"/audit/streams/{fan.User.Id}/state?version=1", auditor);
        user.GetProperty("streamType").GetString().ShouldBe("user");
        user.GetProperty("state").GetProperty("handle").GetString().ShouldBe(fan.User.Handle);

        var beforeBirth = events[0].GetProperty("timestamp").GetDateTimeOffset().AddMinutes(-1);
        await Host.GetJsonAsync($"/audit/streams/{fan.User.Id}/state?at={Uri.EscapeDataString(beforeBirth.ToString("O"))}", auditor, 404);
        await Host.GetJsonAsync($"/audit/streams/{fan.User.Id}/state?version={events.Count + 1}", auditor, 404);
        await Host.GetJsonAsync($"/audit/streams/{Guid.NewGuid()}", auditor, 404);
        await Host.GetJsonAsync($"/audit/streams/{Guid.NewGuid()}/state?version=1", auditor, 404);
        await Host.GetJsonAsync($"/audit/streams/{fan.User.Id}/state", auditor, 400);
        await Host.GetJsonAsync($"/audit/streams/{fan.User.Id}/state?version=0", auditor, 400);
    }

    [Fact]
    public async Task The_export_streams_the_filtered_range_as_ndjson_plain_or_gzipped()
    {
        var admin = await Host.DevSignInAsync(roles: ["admin"]);
        var auditor = await Host.DevSignInAsync(roles: ["auditor"]);
        var fan = await Host.DevSignInAsync();
        await Host.AwardEachAsync(admin, fan.User.Id, 1, 2, 3, 4);
        var expected = await Host.StreamSequencesAsync(fan.User.Id);

        var plain = await Host.Scenario(s =>
        {
            s.Get.Url($"/audit/export?streamId={fan.User.Id}");
            s.WithBearer(auditor);
            s.StatusCodeShouldBeOk();
            s.ContentTypeShouldBe("application/x-ndjson");
        });
        plain.Context.Response.Headers.ContentEncoding.ToString().ShouldBeEmpty();
        Sequences(await plain.ReadAsTextAsync()).ShouldBe(expected);

        var gzipped = await Host.Scenario(s =>
        {
            s.Get.Url($"/audit/export?streamId={fan.User.Id}&eventType=points_earned");
            s.WithBearer(auditor);
            s.WithRequestHeader("Accept-Encoding", "gzip");
            s.StatusCodeShouldBeOk();
        });
        gzipped.Context.Response.Headers.ContentEncoding.ToString().ShouldBe("gzip");
        var body = gzipped.Context.Response.Body;
        if (body.CanSeek) body.Position = 0;
        await using var gzip = new GZipStream(body, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        lines.ShouldAllBe(l => l.GetProperty("type").GetString() == "points_earned");
        lines.Select(l => l.GetProperty("data").GetProperty("Amount").GetInt64()).ShouldBe([100, 1, 2, 3, 4]);
    }

    [Fact]
    public async Task The_export_streams_through_a_server_that_refuses_synchronous_writes()
    {
        var admin = await Host.DevSignInAsync(roles: ["admin"]);
        var auditor = await Host.DevSignInAsync(roles: ["auditor"]);
        var fan = await Host.DevSignInAsync();
        await Host.AwardEachAsync(admin, fan.User.Id, 1, 2, 3);
        var expected = await Host.StreamSequencesAsync(fan.User.Id);

        // Through the test server's own response stream, made to throw on a synchronous write as Kestrel does
        // (Alba allows them, and a scenario's in-memory body would accept them anyway).
        var server = (Microsoft.AspNetCore.TestHost.TestServer)Host.Server;
        var allowed = server.AllowSynchronousIO;
        server.AllowSynchronousIO = false;
        using var client = server.CreateClient();
        try
        {
            await ExportBothWaysAsync(client, auditor, fan.User.Id, expected);
        }
        finally
        {
            server.AllowSynchronousIO = allowed;
        }
    }

    private static async Task ExportBothWaysAsync(HttpClient client, TokenResponse auditor, Guid streamId, List<long> expected)
    {
        foreach (var gzip in new[] { false, true })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/audit/export?streamId={streamId}");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", auditor.AccessToken);
            if (gzip) request.Headers.AcceptEncoding.ParseAdd("gzip");
            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
            await using var decoded = gzip ? new GZipStream(body, CompressionMode.Decompress) : body;
            using var reader = new StreamReader(decoded, Encoding.UTF8);
            Sequences(await reader.ReadToEndAsync(TestContext.Current.CancellationToken)).ShouldBe(expected, gzip ? "gzipped" : "plain");
        }
    }

    private static List<long> Sequences(string ndjson) =>
        ndjson.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("seq").GetInt64()).ToList();
}
