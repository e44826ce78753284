using System.Globalization;

namespace Xylo.Api.Tests.Support;

public static class MetricsText
{
    /// <summary>The value of one exposed series (the full name with labels), 0 when not exposed yet.</summary>
    public static double Value(string exposition, string series)
    {
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
    }
}
