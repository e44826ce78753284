namespace Xylo.Api.Recovery;

public static class ArchiveSetup
{
    /// <summary>The continuous archive (turned off by <c>Archive:Enabled=false</c>); its subscription is added to Marten in CritterStackSetup.</summary>
    public static WebApplicationBuilder AddXyloArchive(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IArchiveStore>(sp => new FileSystemArchiveStore(
            ArchiveOptions.From(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>()).Directory));
        builder.Services.AddSingleton<ArchiveWriter>();
        if (ArchiveOptions.From(builder.Configuration, builder.Environment).Enabled)
        {
            builder.Services.AddHostedService<ArchiveTicker>();
        }

        return builder;
    }
}
