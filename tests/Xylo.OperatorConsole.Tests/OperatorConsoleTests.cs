using Microsoft.Playwright;
using Shouldly;
using static Microsoft.Playwright.Assertions;

namespace Xylo.OperatorConsole.Tests;

/// <summary>
/// The operator console at /console in a real headless Chromium, against the API as a process on the test stack: what an
/// admin and an auditor do with it, what a plain user sees, and a problem from the API shown on the page.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class OperatorConsoleTests(ConsoleFixture fixture)
{
    private static readonly LocatorAssertionsToContainTextOptions Patiently = new() { Timeout = 60_000 };

    [Fact]
    public async Task An_admin_starts_a_rebuild_and_watches_its_progress_reach_100_percent()
    {
        // events for the rebuild to replay
        for (var i = 0; i < 5; i++) await fixture.SignInAsync($"fan-{Guid.NewGuid():N}"[..20]);
        await using var console = await fixture.OpenAsync();
        await console.SignInAsync("console-admin", "admin");

        var page = console.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Projections" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Events" })).ToHaveCountAsync(0); // not an auditor
        var leaderboard = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "LeaderboardEntry" }).First;
        await Expect(leaderboard).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.Screenshots, "projections.png"), FullPage = true });

        await leaderboard.GetByRole(AriaRole.Button, new() { Name = "Rebuild" }).ClickAsync();
        var progress = page.Locator(".rebuild-status");
        await Expect(progress).ToContainTextAsync("succeeded", Patiently);
        await Expect(progress).ToContainTextAsync("100 %");
        (await page.GetByRole(AriaRole.Progressbar).GetAttributeAsync("value")).ShouldBe("100");
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.Screenshots, "projections-rebuilt.png"), FullPage = true });

        await page.GetByRole(AriaRole.Link, new() { Name = "Chain" }).ClickAsync();
        await Expect(page.GetByText("Signer")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.Screenshots, "chain.png"), FullPage = true });

        // pausing a contract asks first; cancelled, nothing is sent
        await page.GetByRole(AriaRole.Button, new() { Name = "Pause rewards", Exact = true }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Dialog);
        await Expect(confirm).ToContainTextAsync("Pause the rewards contract?");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(confirm).ToHaveCountAsync(0);
        await Expect(page.GetByText("Sending pause")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await page.GetByLabel("Find by handle, X username or id").FillAsync("console-");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "console-admin" })).ToContainTextAsync("admin, user");
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.Screenshots, "users.png"), FullPage = true });
        console.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_auditor_finds_a_users_events_opens_the_stream_sees_an_earlier_state_and_verifies_the_chain()
    {
        var fan = await fixture.SignInAsync($"fan-{Guid.NewGuid():N}"[..20]);
        await using var console = await fixture.OpenAsync();
        await console.SignInAsync("console-auditor", "auditor");
        var page = console.Page;
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Events" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Projections" })).ToHaveCountAsync(0); // not an admin

        await page.GetByLabel("Stream id").FillAsync(fan.User.Id.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var registered = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "user_registered" });
        await Expect(registered).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.Screenshots, "events.png"), FullPage = true });

        await registered.GetByRole(AriaRole.Link, new() { Name = fan.User.Id.ToString() }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Streams" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "State at v1" }).ClickAsync();
        var state = page.GetByRole(AriaRole.Region, new() { Name = "State" });
        await Expect(state).ToContainTextAsync("at version 1");
        await Expect(state).ToContainTextAsync(fan.User.Handle);
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.Screenshots, "stream-state.png"), FullPage = true });

        await page.GetByRole(AriaRole.Link, new() { Name = "Integrity" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the hash chain" }).ClickAsync();
        await Expect(page.Locator(".integrity-verdict")).ToContainTextAsync("Intact", Patiently);
        await Expect(page.GetByText("First broken sequence")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.Screenshots, "integrity.png"), FullPage = true });
        console.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_plain_user_sees_neither_the_admin_nor_the_auditor_pages()
    {
        await using var console = await fixture.OpenAsync(width: 390, height: 844); // a phone
        await console.SignInAsync("console-fan");
        var page = console.Page;

        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("neither the admin nor the auditor role");
        await Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Pages" }).GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
        await page.GotoAsync("/console/#/projections");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("needs the admin role");
        await page.GotoAsync("/console/#/events");
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("needs the auditor role");
        console.Errors.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_problem_from_the_api_is_shown_with_its_title_and_detail()
    {
        await using var console = await fixture.OpenAsync(width: 390, height: 844);
        await console.SignInAsync("console-auditor-2", "auditor");
        var page = console.Page;

        await page.GetByLabel("Stream id").FillAsync("not-a-stream-id");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var problem = page.GetByRole(AriaRole.Alert);
        await Expect(problem).ToContainTextAsync("(400)");
        await Expect(problem).ToContainTextAsync("streamId");
        await Expect(problem).ToContainTextAsync("correlation id");
        await page.ScreenshotAsync(new() { Path = Path.Combine(fixture.Screenshots, "problem-phone.png"), FullPage = true });
    }
}
