using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using Wolverine.Http;
using Wolverine.Http.CodeGen;

namespace Xylo.Api.Operations.Errors;

/// <summary>
/// Every endpoint that reads a JSON body refuses a missing one or a JSON <c>null</c> with a 400 problem before its own code
/// runs: System.Text.Json binds <c>null</c> to a null request, which endpoints written for an object dereferenced (500).
/// One policy, so an endpoint added later is covered without remembering a check.
/// </summary>
public sealed class RequiredBodyPolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains.Where(c => c.HasRequestType))
        {
            var check = typeof(RequiredBody).GetMethod(nameof(RequiredBody.Check))!.MakeGenericMethod(chain.RequestType!);
            var call = new MethodCall(typeof(RequiredBody), check) { CommentText = "A missing or null JSON body is a 400 problem" };
            chain.Middleware.InsertRange(0, [call, new MaybeEndWithResultFrame(call.ReturnVariable!)]);
        }
    }
}

public static class RequiredBody
{
    public static IResult Check<T>(T? body) => body is null
        ? Problems.Invalid("body", "a JSON object is required")
        : WolverineContinue.Result();
}
