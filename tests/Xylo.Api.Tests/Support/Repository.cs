namespace Xylo.Api.Tests.Support;

/// <summary>The checkout the tests run from (the directory holding Xylo.sln).</summary>
public static class Repository
{
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Xylo.sln"))) return directory.FullName;
        }

        throw new InvalidOperationException($"no Xylo.sln above {AppContext.BaseDirectory}");
    }

    public static string PathOf(params string[] parts) => Path.Combine([Root(), .. parts]);
}
