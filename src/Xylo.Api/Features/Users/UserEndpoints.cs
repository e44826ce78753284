namespace Xylo.Api.Features.Users;

public static class UserEndpoints
{
    /// <summary>What an admin command on an unknown user answers (404); Wolverine fills in <c>{Id}</c>.</summary>
    public const string Missing = "user {Id} does not exist";
}
