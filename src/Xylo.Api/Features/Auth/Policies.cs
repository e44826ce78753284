namespace Xylo.Api.Features.Auth;

public static class Policies
{
    public const string Admin = "admin";
    public const string Auditor = "auditor";

    /// <summary>Admins, or an integration presenting an API key.</summary>
    public const string Awarder = "awarder";
}
