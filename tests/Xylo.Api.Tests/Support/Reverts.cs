using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;
using Shouldly;

namespace Xylo.Api.Tests.Support;

public static class Reverts
{
    /// <summary>Runs a transaction or call that must revert with the custom error TError, and decodes it.</summary>
    public static async Task<TError> WithAsync<TError>(Func<Task> action)
        where TError : class, IErrorDTO, new()
    {
        var revert = await Should.ThrowAsync<SmartContractCustomErrorRevertException>(action);
        revert.IsCustomErrorFor<TError>().ShouldBeTrue(
            $"expected {typeof(TError).Name}, the revert data was {revert.ExceptionEncodedData}");
        return revert.DecodeError<TError>();
    }
}
