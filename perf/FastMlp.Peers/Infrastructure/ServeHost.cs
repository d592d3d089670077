using System.Net;

using FastMlp.Serve;

using Microsoft.AspNetCore.Builder;

namespace FastMlp.Peers.Infrastructure;

/// <summary>
/// One instance of samples/FastMlp.Serve's service (<see cref="ServeApp"/>) running in this process on a free
/// loopback port (127.0.0.1:0), and an HttpClient for it (SocketsHttpHandler: no proxy, no cookies, no redirects,
/// pooled HTTP/1.1 connections that live as long as the host). Only the settings given and the backend differ
/// between hosts; every host logs warnings and errors only (a log line per request would be part of the figures).
/// Disposing stops the server.
/// </summary>
internal sealed class ServeHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ServeHost(WebApplication app, HttpClient client) => (_app, Client) = (app, client);

    public HttpClient Client { get; }

    /// <param name="settings">Configuration as command-line arguments ("--FastMlp:ModelPath=...").</param>
    /// <param name="addBackend">Registers the backend behind /predict (<see cref="IRowModelSource"/>).</param>
    public static async Task<ServeHost> Start(string[] settings, Action<WebApplicationBuilder> addBackend)
    {
        WebApplication app = ServeApp.Build(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", .. settings], addBackend);
        await app.StartAsync().ConfigureAwait(false);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        var client = new HttpClient(handler) { BaseAddress = new Uri(app.Urls.Single()), DefaultRequestVersion = HttpVersion.Version11 };
        return new ServeHost(app, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
