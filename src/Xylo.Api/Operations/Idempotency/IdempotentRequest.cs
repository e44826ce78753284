using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;
using Xylo.Api.Features.Auth;

namespace Xylo.Api.Operations.Idempotency;

/// <summary>
/// A request that carried a valid <c>Idempotency-Key</c>: who sent it (keys are scoped by caller) and
/// what it asked for. Endpoints read it with <see cref="Of"/> to make their own effects idempotent by the key.
/// </summary>
public sealed record IdempotentRequest(string Caller, string Key, string Method, string Target, string BodySha256)
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxKeyLength = 128;

    /// <summary>The stored record's id: one record per caller and key.</summary>
    public string RecordId => $"{Caller} {Key}";

    public static IdempotentRequest? Of(HttpContext context) => context.Features.Get<IdempotentRequest>();

    /// <summary>Why the header's value is not a usable key, or null when it is one.</summary>
    public static string? KeyProblem(StringValues values)
    {
        if (values.Count != 1) return $"send exactly one {Header} header";
        var key = values[0] ?? "";
        if (key.Length is 0 or > MaxKeyLength) return $"{Header} must be 1–{MaxKeyLength} characters";
        return key.All(c => c is >= ' ' and <= '~') ? null : $"{Header} must be printable ASCII (0x20–0x7E)";
    }

    /// <summary>The authenticated user's <c>sub</c>, or the client's address for anonymous callers.</summary>
    public static string CallerOf(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true && context.User.FindFirstValue(CurrentUser.SubjectClaim) is { Length: > 0 } subject
            ? $"user:{subject}"
            : $"ip:{context.Connection.RemoteIpAddress?.ToString() ?? "unknown"}";

    /// <summary>Reads (and rewinds) the body to hash it, so the endpoint still binds it.</summary>
    public static async Task<IdempotentRequest> ReadAsync(HttpContext context, string key)
    {
        var request = context.Request;
        request.EnableBuffering();
        var hash = await SHA256.HashDataAsync(request.Body, context.RequestAborted);
        request.Body.Position = 0;
        return new IdempotentRequest(
            CallerOf(context), key, request.Method, $"{request.PathBase}{request.Path}{request.QueryString}", Convert.ToHexStringLower(hash));
    }

    public bool IsSameRequestAs(IdempotencyRecord record) =>
        record.Method == Method && record.Target == Target && record.BodySha256 == BodySha256;
}
