namespace Xylo.Domain.Users;

public static class Roles
{
    /// <summary>Every registered user has it; it is never granted or revoked.</summary>
    public const string User = "user";

    public const string Admin = "admin";
    public const string Auditor = "auditor";

    public static readonly IReadOnlyList<string> Grantable = [Admin, Auditor];

    public static bool IsGrantable(string role) => Grantable.Contains(role);
}
