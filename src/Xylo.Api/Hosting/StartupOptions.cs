using JasperFx.CodeGeneration;

namespace Xylo.Api.Hosting;

/// <summary>
/// What a start does besides starting. <c>Database:ApplyChangesOnStartup</c> (default on, off in Production, where
/// <c>db-apply</c> is a deploy step): diff and migrate the schema of Marten and Wolverine. <c>CodeGeneration:TypeLoadMode</c>:
/// how Wolverine finds its handler code (<see cref="TypeLoadMode.Dynamic"/> in Development, compiled by Roslyn in the
/// process on first use so edits need no regeneration; <see cref="TypeLoadMode.Static"/> elsewhere, from the committed
/// <c>Internal/Generated</c> written by <c>./xylo codegen</c>, without Roslyn). <c>CodeGeneration:OutputPath</c>: where
/// <c>codegen write</c> writes that code.
/// </summary>
public sealed record StartupOptions(bool ApplyDatabaseChanges, TypeLoadMode TypeLoadMode, string? GeneratedCodeOutputPath)
{
    public static StartupOptions From(IConfiguration configuration, IHostEnvironment environment) => new(
        configuration.GetValue("Database:ApplyChangesOnStartup", !environment.IsProduction()),
        configuration.GetValue("CodeGeneration:TypeLoadMode", environment.IsDevelopment() ? TypeLoadMode.Dynamic : TypeLoadMode.Static),
        configuration["CodeGeneration:OutputPath"] is { Length: > 0 } path ? Path.GetFullPath(path) : null);
}
