namespace Xylo.Api.Features.Users;

/// <summary>
/// Admin commands on a user take its aggregate with <c>[WriteAggregate]</c> and no expected version, as the client sends
/// none: Marten still appends at the version it read, so of two concurrent writers one fails with 409 instead of overwriting.
/// </summary>
public static class UserEndpoints
{
    /// <summary>What an admin command on an unknown user answers (404); Wolverine fills in <c>{Id}</c>.</summary>
    public const string Missing = "user {Id} does not exist";
}
