using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Xylo.Api.Tests.Support;

/// <summary>Every log entry of a service provider, with its exception and scopes, for asserting what reaches the logs.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLogEntry> _entries = new();

    public IReadOnlyList<CapturedLogEntry> Entries => [.. _entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose() { }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLogEntry> entries) : ILogger
    {
        private readonly AsyncLocal<ImmutableScopes?> _scopes = new();

        public IDisposable BeginScope<TState>(TState state) where TState : notnull
        {
            var outer = _scopes.Value;
            _scopes.Value = new ImmutableScopes(string.Join("\n", [state.ToString() ?? "", .. Properties(state)]), outer);
            return new ScopeEnd(() => _scopes.Value = outer);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            for (var scope = _scopes.Value; scope is not null; scope = scope.Outer) scopes.Add(scope.Text);
            // Structured properties too: a sink that writes them would print them.
            entries.Enqueue(new CapturedLogEntry(category, logLevel, formatter(state, exception),
                string.Join("\n", [formatter(state, exception), exception?.ToString() ?? "", .. scopes, .. Properties(state)])));
        }

        // Structured properties too: a sink that writes them would print them.
        private static IEnumerable<string> Properties<TState>(TState state) =>
            state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.Select(p => $"{p.Key}={p.Value}") : [];
    }

    private sealed record ImmutableScopes(string Text, ImmutableScopes? Outer);

    private sealed class ScopeEnd(Action end) : IDisposable
    {
        public void Dispose() => end();
    }
}

/// <param name="Text">The message, the exception, the scopes and the structured properties, for searching.</param>
public sealed record CapturedLogEntry(string Category, LogLevel Level, string Message, string Text);
