namespace Xylo.Api.Operations.Idempotency;

/// <summary>
/// Opts a write endpoint into <c>Idempotency-Key</c> handling: a retried request with the same key is
/// answered from the stored response instead of running again. See "Idempotent writes" in the README.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute : Attribute;
