using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Xylo.Api.Tests.Support;

/// <summary>A bare Kestrel server on a free loopback port, for fakes of the services XYLO calls on the internet.</summary>
public static class LoopbackServer
{
    /// <returns>The started application and its base address, such as <c>http://127.0.0.1:41234</c> (no trailing slash).</returns>
    public static async Task<(WebApplication App, string Address)> StartAsync(Action<WebApplication> map, CancellationToken cancellationToken)
    {
        // The empty builder reads no appsettings and no ASPNETCORE_ variables, and logs nowhere.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        map(app);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return (app, address.TrimEnd('/'));
    }
}
