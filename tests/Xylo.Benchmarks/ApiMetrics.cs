using System.Globalization;

namespace Xylo.Benchmarks;

/// <summary>One figure of the API's Prometheus exposition at <c>/metrics</c>.</summary>
internal static class ApiMetrics
{
    public static async Task<double?> ReadAsync(BenchOptions options, HttpClient http, string name, CancellationToken cancellation)
    {
        try
        {
            var text = await http.GetStringAsync(new Uri(options.ApiUrl + "/metrics"), cancellation);
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal));
            return line is null ? null : double.Parse(line[(name.Length + 1)..].Trim(), CultureInfo.InvariantCulture);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
