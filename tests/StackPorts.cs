using System.Globalization;

namespace Xylo;

/// <summary>
/// The local stacks' ports from <c>stack-ports.env</c> at the checkout's root (the one file ./xylo reads too), shifted by
/// <c>XYLO_PORT_OFFSET</c>. Compiled into every test project (tests/Directory.Build.props).
/// </summary>
internal static class StackPorts
{
    private static readonly Lazy<Dictionary<string, int>> Ports = new(Read);

    /// <summary>A port by its name in the file (e.g. <c>TEST_PG</c>), plus the offset.</summary>
    public static int Get(string name) =>
        (Ports.Value.TryGetValue(name, out var port) ? port : throw new InvalidOperationException($"stack-ports.env has no {name}"))
        + (int.TryParse(Environment.GetEnvironmentVariable("XYLO_PORT_OFFSET"), CultureInfo.InvariantCulture, out var offset) ? offset : 0);

    private static Dictionary<string, int> Read()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var file = Path.Combine(directory.FullName, "stack-ports.env");
            if (!File.Exists(file)) continue;
            return File.ReadLines(file)
                .Select(line => line.Trim())
                .Where(line => line.Length > 0 && !line.StartsWith('#'))
                .Select(line => line.Split('=', 2))
                .ToDictionary(pair => pair[0].Trim(), pair => int.Parse(pair[1].Trim(), CultureInfo.InvariantCulture), StringComparer.Ordinal);
        }

        throw new InvalidOperationException($"no stack-ports.env above {AppContext.BaseDirectory}");
    }
}
