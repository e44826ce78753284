namespace Xylo.Api.Features.Auth;

public static class Policies
{
    public const string Admin = "admin";
    public const string Auditor = "auditor";
}
