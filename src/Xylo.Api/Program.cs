using JasperFx;
using JasperFx.CommandLine;
using Xylo.Api.Chain;
using Xylo.Api.EventLog;
using Xylo.Api.Features.Admin;
using Xylo.Api.Features.Audit;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Mints;
using Xylo.Api.Features.Points;
using Xylo.Api.Features.Vault;
using Xylo.Api.Features.Wallets;
using Xylo.Api.Hosting;
using Xylo.Api.Operations;
using Xylo.Api.Operations.Idempotency;
using Xylo.Api.Recovery;

var builder = WebApplication.CreateBuilder(args);
// JasperFx prints "Searching '<assembly>' for commands" on every start (API and every command) until an
// extension pass has run once in the process. Running the pass on the services first silences it; the
// extensions found are applied as ApplyJasperFxExtensions would.
var jasperFx = new CommandFactory();
jasperFx.ApplyExtensions(builder.Services);
jasperFx.RegisterCommandsFromExtensionAssemblies();
jasperFx.ApplyExtensions(builder.Services);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

if (XyloDatabase.ForLogReplay(args))
{
    builder.Configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.CustomPlans)}"] = "true";
    builder.Configuration[$"{DatabaseOptions.Section}:{nameof(DatabaseOptions.ApplicationName)}"] = DatabaseOptions.ReplayApplicationName;
}

builder.AddXyloHostStartup();
builder.AddXyloOperations();
builder.AddXyloCritterStack();
builder.Services.AddXyloEventLog();
builder.AddXyloChain();
builder.AddXyloArchive();
builder.Services.AddXyloAuth();
builder.Services.AddXyloWallets();
builder.Services.AddXyloPoints();
builder.Services.AddXyloMints();
builder.Services.AddXyloVault();
builder.Services.AddXyloAudit();
builder.Services.AddXyloAdmin();

var app = builder.Build();

app.UseXyloOperations();
app.UseAuthentication();
app.UseAuthorization();
app.UseXyloIdempotency();
app.MapXyloEndpoints();
app.MapDevSignIn();
AuditMetrics.Publish(app.Services);

return await app.RunJasperFxCommands(args);

/// <summary>The entry point, public so integration tests can boot the real host.</summary>
public partial class Program;
