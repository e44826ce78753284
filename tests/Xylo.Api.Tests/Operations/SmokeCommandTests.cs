using System.Diagnostics;
using Shouldly;
using Xylo.Api.Tests.Support;

namespace Xylo.Api.Tests.Operations;

/// <summary><c>./xylo smoke &lt;url&gt;</c> against the real program listening on a port, and against nothing.</summary>
public sealed class SmokeCommandTests
{
    [Fact]
    public async Task Smoke_passes_against_a_running_api_and_fails_naming_the_checks_once_it_is_stopped()
    {
        var port = LoopbackPorts.Free();
        var url = $"http://127.0.0.1:{port}";
        using (var api = StartApi(url))
        {
            await WaitForHealthAsync(url, api);
            var (exitCode, output) = await XyloScript.RunAsync(null, "smoke", url);
            exitCode.ShouldBe(0, output);
            output.ShouldContain("ok      health: GET /health");
            output.ShouldContain("ok      metrics: the guide's names");
            output.ShouldContain("smoke check passed");
            api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var (stoppedExit, stoppedOutput) = await XyloScript.RunAsync(null, "smoke", url);
        stoppedExit.ShouldNotBe(0, stoppedOutput);
        stoppedOutput.ShouldContain("FAILED  health: GET /health");
        stoppedOutput.ShouldContain("smoke check failed: health: GET /health; readiness: GET /health/ready");
    }

    private static Process StartApi(string url)
    {
        var api = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", [api])
        {
            RedirectStandardOutput = false,
            RedirectStandardError = false,
            WorkingDirectory = Path.GetDirectoryName(api)!,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["ASPNETCORE_URLS"] = url;
        start.Environment["DATABASE_URL"] = TestStack.DatabaseUrl;
        start.Environment["REDIS_URL"] = TestStack.RedisUrl;
        start.Environment["JWT_SECRET"] = "xylo-tests-signing-key-0123456789abcdef";
        start.Environment["Logs__Console"] = "false";
        start.Environment["Logs__Directory"] = XyloHost.NewLogDirectory();
        start.Environment["RateLimiting__KeyPrefix"] = $"test:{Guid.NewGuid():N}";
        return Process.Start(start)!;
    }

    private static async Task WaitForHealthAsync(string url, Process api)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            api.HasExited.ShouldBeFalse($"the API exited with code {(api.HasExited ? api.ExitCode : 0)} before answering");
            try
            {
                if ((await client.GetAsync(new Uri($"{url}/health"), TestContext.Current.CancellationToken)).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException($"the API did not answer {url}/health within 90 s");
    }
}
