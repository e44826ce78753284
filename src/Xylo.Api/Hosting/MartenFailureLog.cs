using JasperFx;
using JasperFx.Events;
using Marten;
using Marten.Services;
using Npgsql;

namespace Xylo.Api.Hosting;

/// <summary>
/// Marten's command log, for operators. Marten's own logger writes an error with the whole SQL and its parameters for
/// every statement of a failed batch, including the optimistic-concurrency failures that callers expect and retry (two
/// writers of one stream): under contention that is most of the error log and a real share of the CPU. Here an expected
/// concurrency failure is one Debug line naming the command; any other failure is one Error with the first statement.
/// </summary>
public sealed partial class MartenFailureLog(ILogger logger) : IMartenLogger, IMartenSessionLogger
{
    public IMartenSessionLogger StartSession(IQuerySession session) => this;

    public void SchemaChange(string sql) => LogSchemaChange(logger, sql);

    public void LogSuccess(NpgsqlCommand command)
    {
    }

    public void LogSuccess(NpgsqlBatch batch)
    {
    }

    public void LogFailure(NpgsqlCommand command, Exception ex) => Failed(command.CommandText, ex);

    public void LogFailure(NpgsqlBatch batch, Exception ex) =>
        Failed(batch.BatchCommands.Count > 0 ? batch.BatchCommands[0].CommandText : "(empty batch)", ex);

    public void LogFailure(Exception ex, string message) => Failed(message, ex);

    public void RecordSavedChanges(IDocumentSession session, IChangeSet commit)
    {
    }

    public void OnBeforeExecute(NpgsqlCommand command)
    {
    }

    public void OnBeforeExecute(NpgsqlBatch batch)
    {
    }

    /// <summary>Another writer appended to the stream first: the append's version check, which the caller retries or answers 409.</summary>
    private static bool IsConcurrencyFailure(Exception ex) => ex switch
    {
        ConcurrencyException or EventStreamUnexpectedMaxEventIdException => true,
        // mt_quick_append_events raises MT003 when the stream moved past the version the command decided on.
        PostgresException { SqlState: "MT003" } => true,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: { } constraint } =>
            constraint.StartsWith("pk_mt_events", StringComparison.Ordinal) || constraint.StartsWith("pk_mt_streams", StringComparison.Ordinal),
        _ => ex.InnerException is { } inner && IsConcurrencyFailure(inner),
    };

    private void Failed(string statement, Exception ex)
    {
        var first = statement.Length > 300 ? statement[..300] + "…" : statement;
        if (IsConcurrencyFailure(ex))
        {
            LogConcurrency(logger, ex.GetType().Name, first);
        }
        else
        {
            LogFailed(logger, ex, first);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Marten schema change: {Sql}")]
    private static partial void LogSchemaChange(ILogger logger, string sql);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Concurrent write to one stream ({Failure}); the caller retries or answers 409: {Statement}")]
    private static partial void LogConcurrency(ILogger logger, string failure, string statement);

    [LoggerMessage(Level = LogLevel.Error, Message = "PostgreSQL command failed: {Statement}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string statement);
}
