using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Xylo.Api.Features.Auth;
using Xylo.Api.Operations.Idempotency;

namespace Xylo.Api.Operations.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c> and the reference page at <c>/docs</c>. What each operation is
/// (area, summary, id, examples) comes from <see cref="ApiOperations"/>; who may call it comes from the endpoint's own
/// authorization metadata, read the way the authorization middleware reads it, so the document cannot drift from it.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";
    public const string BearerScheme = "bearer";
    public const string ApiKeyScheme = "apiKey";
    private const string IdempotencyKeyParameter = "IdempotencyKey";
    private const string ProblemSchema = "ProblemDetails";
    private const string ProblemJson = "application/problem+json";

    private static readonly Dictionary<int, string> ProblemMeanings = new()
    {
        [StatusCodes.Status400BadRequest] = "Bad request: a field, a parameter or the Idempotency-Key is invalid (`errors` names the fields).",
        [StatusCodes.Status401Unauthorized] = "Not authenticated: no access token (or API key), or an expired, revoked or suspended one.",
        [StatusCodes.Status403Forbidden] = "Authenticated, but without the role this operation needs.",
        [StatusCodes.Status404NotFound] = "Not found: nothing with that id, or nothing you may see.",
        [StatusCodes.Status409Conflict] = "Conflict: a concurrent change won, or the Idempotency-Key was used for a different request or is still running.",
        [StatusCodes.Status422UnprocessableEntity] = "Refused by a business rule (not enough points, already done, out of stock, …); `detail` says which.",
        [StatusCodes.Status429TooManyRequests] = "Rate limited: too many requests from this client in the current window; retry after `Retry-After` seconds.",
        [StatusCodes.Status503ServiceUnavailable] = "A dependency this operation needs (YouTube, X, the chain) is unavailable or not configured; nothing was recorded.",
    };

    public static IServiceCollection AddXyloOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.AddSchemaTransformer(TextIsText);
            options.AddSchemaTransformer(NarrowNumbers);
            options.AddOperationTransformer(DescribeOperationAsync);
            options.AddDocumentTransformer(DescribeDocument);
        });

    public static WebApplication MapXyloApiReference(this WebApplication app)
    {
        // In Production the API description is for signed-in callers and the reference page is not served.
        var description = app.MapOpenApi("/openapi/{documentName}.json");
        if (app.Environment.IsProduction()) return app;
        description.AllowAnonymous();

        // Scalar's script and styles are served from this app (no CDN, no web fonts) and nothing of it calls out (no
        // telemetry, AI agent or MCP): the page works offline and under the guide's CSP (script-src 'self' 'unsafe-inline',
        // connect-src 'self'). "Test Request" calls this same origin with the token pasted under Authentication.
        app.MapScalarApiReference("/docs", options => options
            .WithTitle("XYLO API")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .HideDeveloperTools()
            .ShowOperationId()
            .AddPreferredSecuritySchemes(BearerScheme)
            .AddHttpAuthentication(BearerScheme, bearer => bearer.Token = "")
            .WithDefaultHttpClient(ScalarTarget.Shell, ScalarClient.Curl)
            .HideClientButton())
            .AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Every string of a request passes <see cref="Errors.StorableTextConverter"/>, a custom converter, so the schema
    /// exporter knows nothing of it and writes <c>{}</c> (any JSON): text is a string again, nullable where the property is
    /// annotated so (<c>string?</c>), as the exporter writes it without the converter.
    /// </summary>
    private static Task TextIsText(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellation)
    {
        // A property with a converter of its own (raw JSON written as a string, as the audit's event data) stays any JSON.
        if (context.JsonTypeInfo.Type == typeof(string) && schema.Type is null && context.JsonPropertyInfo?.CustomConverter is null)
        {
            schema.Type = context.JsonPropertyInfo is { IsGetNullable: true } ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        }

        // A list or a map of text: the exporter leaves its items (values) out altogether.
        if (context.JsonTypeInfo.ElementType == typeof(string) && schema.Type is { } container)
        {
            if (container.HasFlag(JsonSchemaType.Array) && schema.Items is null) schema.Items = new OpenApiSchema { Type = JsonSchemaType.String };
            if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Dictionary && schema.AdditionalProperties is null)
            {
                schema.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String };
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Web JSON accepts numbers written as strings, so the generator writes every integer as <c>integer | string</c> with a
    /// pattern. Clients should send numbers; the document says so (a narrower, still true, contract).
    /// </summary>
    private static Task NarrowNumbers(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellation)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        return Task.CompletedTask;
    }

    private static Task DescribeDocument(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellation)
    {
        document.Info = new OpenApiInfo
        {
            Title = "XYLO API",
            Version = "1.0",
            Summary = "Creator/fan rewards: points, reward NFTs on Polygon, an on-chain vault, an auditable event log.",
            Description = """
                XYLO is a creator/fan rewards backend. Fans sign in with X, link a wallet, prove they own a YouTube channel,
                earn points and spend them on reward NFTs minted on Polygon. Admins run it; auditors inspect its history.

                **Authentication.** Sign in (`GET /auth/x/login`; in Development `POST /auth/dev/sign-in`) and send the access
                token as `Authorization: Bearer <token>`; it lasts 15 minutes, `POST /auth/refresh` renews it. Integrations
                awarding points send `X-Api-Key` instead. Each operation lists the schemes it accepts.

                **Errors** are RFC 9457 problem details (`application/problem+json`) with `status`, `title`, `detail` and a
                `correlationId` to quote when asking for help.

                **Retries.** Operations that accept an `Idempotency-Key` header run at most once per caller and key: a retry
                with the same key is answered from the first answer, marked `Idempotent-Replayed: true`.

                **Rate limits.** Requests are counted per client IP in a fixed window shared by every instance; over the
                limit the answer is 429 with `Retry-After` (seconds).
                """,
            License = new OpenApiLicense { Name = "Proprietary", Identifier = "LicenseRef-Proprietary" },
        };
        document.Servers = [new OpenApiServer { Url = "/", Description = "This server" }];
        document.Tags = new HashSet<OpenApiTag>(ApiAreas.All.Select(area => new OpenApiTag { Name = area.Name, Description = area.Description }));

        var components = document.Components ??= new OpenApiComponents();
        components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The `accessToken` of a sign-in or a refresh (15 minutes).",
            },
            [ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.HeaderName,
                Description = "An integration's key (one of `INTEGRATION_API_KEYS`), accepted where an operation says so.",
            },
        };

        components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        components.Schemas.Remove("IResult");
        components.Schemas[ProblemSchema] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "An RFC 9457 problem detail.",
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", Description = "What kind of problem (a URI)." },
                ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A short summary of the kind of problem." },
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The HTTP status." },
                ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What went wrong with this request." },
                ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", Description = "This occurrence." },
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "Validation problems: the messages of each invalid field.",
                    AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                },
                ["correlationId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The id the logs of this request carry." },
                ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The W3C trace id of this request." },
            },
        };

        components.Headers = new Dictionary<string, IOpenApiHeader>
        {
            ["RetryAfter"] = new OpenApiHeader
            {
                Description = "Seconds until the rate-limit window lets this client in again.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            },
            [IdempotentRequest.ReplayedHeader] = new OpenApiHeader
            {
                Description = "`true` when this answer is the stored answer of an earlier request with the same Idempotency-Key.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")] },
            },
        };

        components.Parameters = new Dictionary<string, IOpenApiParameter>
        {
            [IdempotencyKeyParameter] = new OpenApiParameter
            {
                Name = IdempotentRequest.Header,
                In = ParameterLocation.Header,
                Required = false,
                Description = $"Any printable ASCII string of 1–{IdempotentRequest.MaxKeyLength} characters, new for each intended " +
                    "change (a UUID does). A retry with the same key and body is answered from the first answer; the same key with " +
                    "a different body is a 409.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotentRequest.MaxKeyLength },
                Example = JsonValue.Create("5b7f8a2e-1c3d-4e5f-9a0b-1c2d3e4f5a6b"),
            },
        };

        components.Responses = ProblemMeanings.ToDictionary(p => ProblemResponseName(p.Key), p => (IOpenApiResponse)ProblemResponse(p.Key, p.Value, document));
        return Task.CompletedTask;
    }

    private static string ProblemResponseName(int status) => $"Problem{status}";

    private static OpenApiResponse ProblemResponse(int status, string description, OpenApiDocument document)
    {
        var response = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ProblemJson] = new()
                {
                    Schema = new OpenApiSchemaReference(ProblemSchema, document),
                    Example = new JsonObject
                    {
                        ["type"] = $"https://www.rfc-editor.org/rfc/rfc9110#section-15.{(status < 500 ? "5" : "6")}.{(status < 500 ? status - 399 : status - 499)}",
                        ["title"] = ReasonPhrases(status),
                        ["status"] = status,
                        ["detail"] = description,
                        ["correlationId"] = "0HNB3R4K1VQ2M:00000001",
                    },
                },
            },
        };
        if (status == StatusCodes.Status429TooManyRequests)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader> { ["Retry-After"] = new OpenApiHeaderReference("RetryAfter", document) };
        }

        return response;
    }

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        var description = context.Description;
        var document = context.Document!;
        var route = $"{description.HttpMethod} /{description.RelativePath}";
        var access = await AccessOf(description.ActionDescriptor.EndpointMetadata, context.ApplicationServices);
        var idempotent = description.ActionDescriptor.EndpointMetadata.OfType<IdempotentAttribute>().Any();
        operation.Responses ??= new OpenApiResponses();

        if (ApiOperations.ByRoute.TryGetValue(route, out var entry))
        {
            operation.OperationId = entry.Id;
            operation.Summary = entry.Summary;
            operation.Description = entry.Description;
            operation.Tags = new HashSet<OpenApiTagReference> { new(entry.Area, document) };
            await DescribeSuccessAsync(operation, entry, idempotent, context, cancellation);
            if (entry.RequestExample is not null && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
            {
                body.Example = JsonNode.Parse(entry.RequestExample);
            }
        }

        // Security: exactly the schemes the endpoint's policy accepts; the empty requirement ({}) when anyone may call it.
        operation.Security = access.Schemes.Count == 0
            ? [new OpenApiSecurityRequirement()]
            : access.Schemes.Select(scheme => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] }).ToList();

        if (idempotent)
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameterReference(IdempotencyKeyParameter, document));
        }

        // Problems: what the pipeline and the endpoint's shape say, and what the table adds.
        var problems = new SortedSet<int>(entry?.Problems ?? []) { StatusCodes.Status429TooManyRequests };
        var declared = operation.Responses.Keys.Where(key => key is "400" or "404" or "409").Select(int.Parse).ToList();
        foreach (var key in declared) operation.Responses.Remove(key.ToString());
        var hasInput = operation.RequestBody is not null || operation.Parameters?.Count > 0;
        if (hasInput || declared.Contains(StatusCodes.Status400BadRequest)) problems.Add(StatusCodes.Status400BadRequest);
        if (description.RelativePath?.Contains('{') == true) problems.Add(StatusCodes.Status404NotFound);
        if (declared.Contains(StatusCodes.Status409Conflict) || idempotent) problems.Add(StatusCodes.Status409Conflict);
        if (access.Schemes.Count > 0) problems.Add(StatusCodes.Status401Unauthorized);
        if (access.Roles) problems.Add(StatusCodes.Status403Forbidden);
        foreach (var status in problems) operation.Responses[status.ToString()] = new OpenApiResponseReference(ProblemResponseName(status), document);
    }

    /// <summary>The success answer: its status, its body (when the endpoint returns <c>IResult</c>), its example and headers.</summary>
    private static async Task DescribeSuccessAsync(OpenApiOperation operation, ApiOperation entry, bool idempotent,
        OpenApiOperationTransformerContext context, CancellationToken cancellation)
    {
        var document = context.Document!;
        operation.Responses!.TryGetValue("200", out var generated);
        var response = generated as OpenApiResponse ?? new OpenApiResponse();
        operation.Responses.Remove("200");

        if (entry.Returns is { } type)
        {
            var name = type.Name;
            var schemas = document.Components!.Schemas!;
            if (!schemas.ContainsKey(name)) document.AddComponent(name, await context.GetOrCreateSchemaAsync(type, null, cancellation));
            response.Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchemaReference(name, document) } };
        }
        else if (response.Content?.TryGetValue("application/json", out var generatedBody) == true
                 && generatedBody.Schema is OpenApiSchemaReference { Reference.Id: "IResult" })
        {
            response.Content = null;
        }

        if (entry.Status is StatusCodes.Status204NoContent or StatusCodes.Status302Found) response.Content = null;
        if (entry.Status == StatusCodes.Status302Found)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Location"] = new OpenApiHeader { Description = "X's authorization page.", Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" } },
            };
        }

        if (entry.ResponseExample is not null && response.Content?.TryGetValue("application/json", out var content) == true)
        {
            content.Example = JsonNode.Parse(entry.ResponseExample);
        }

        if (idempotent)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            response.Headers[IdempotentRequest.ReplayedHeader] = new OpenApiHeaderReference(IdempotentRequest.ReplayedHeader, document);
        }

        response.Description = entry.Status switch
        {
            StatusCodes.Status201Created => "Created.",
            StatusCodes.Status202Accepted => "Accepted: the work continues in the background.",
            StatusCodes.Status204NoContent => "Done; no body.",
            StatusCodes.Status302Found => "Redirect to X.",
            _ => "OK.",
        };
        operation.Responses[entry.Status.ToString()] = response;
    }

    private sealed record Access(IReadOnlyList<string> Schemes, bool Roles);

    /// <summary>
    /// The policy the authorization middleware applies to this endpoint: <c>[AllowAnonymous]</c> means none; otherwise the
    /// endpoint's <c>[Authorize]</c> data combined, or — with no authorization metadata at all — the fallback policy. Once the
    /// hardening branch sets a fallback policy requiring an authenticated user, an endpoint without <c>[AllowAnonymous]</c>
    /// is documented as authenticated; without a fallback policy it is public, as it is then. A policy naming the
    /// <c>ApiKey</c> scheme accepts <c>X-Api-Key</c> besides the bearer token.
    /// </summary>
    private static async Task<Access> AccessOf(IList<object> metadata, IServiceProvider services)
    {
        if (metadata.OfType<IAllowAnonymous>().Any()) return new Access([], false);

        var policy = await AuthorizationPolicy.CombineAsync(services.GetRequiredService<IAuthorizationPolicyProvider>(),
            metadata.OfType<IAuthorizeData>(), metadata.OfType<AuthorizationPolicy>())
            ?? services.GetRequiredService<IOptions<AuthorizationOptions>>().Value.FallbackPolicy;
        if (policy is null) return new Access([], false);

        var schemes = new List<string> { BearerScheme };
        if (policy.AuthenticationSchemes.Contains(ApiKeyAuthenticationHandler.SchemeName)) schemes.Add(ApiKeyScheme);
        return new Access(schemes, policy.Requirements.OfType<RolesAuthorizationRequirement>().Any());
    }
}
