using JasperFx;
using Xylo.Api.Chain;
using Xylo.Api.Features.Auth;
using Xylo.Api.Features.Points;
using Xylo.Api.Features.Wallets;
using Xylo.Api.Hosting;
using Xylo.Api.Operations;
using Xylo.Api.Operations.Idempotency;

var builder = WebApplication.CreateBuilder(args);
builder.Host.ApplyJasperFxExtensions();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);

builder.AddXyloOperations();
builder.AddXyloCritterStack();
builder.AddXyloChain();
builder.Services.AddXyloAuth();
builder.Services.AddXyloWallets();
builder.Services.AddXyloPoints();

var app = builder.Build();

app.UseXyloOperations();
app.UseAuthentication();
app.UseAuthorization();
app.UseXyloIdempotency();
app.MapXyloEndpoints();
app.MapDevSignIn();

return await app.RunJasperFxCommands(args);

/// <summary>The entry point, public so integration tests can boot the real host.</summary>
public partial class Program;
