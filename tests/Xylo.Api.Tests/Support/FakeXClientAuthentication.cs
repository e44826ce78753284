namespace Xylo.Api.Tests.Support;

/// <summary>How a token request presented the client's credentials (RFC 6749 §2.3.1).</summary>
public enum FakeXClientAuthentication
{
    None,
    BasicHeader,
    FormBody,
}
