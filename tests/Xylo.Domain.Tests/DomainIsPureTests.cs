using System.Reflection;
using Shouldly;
using Xylo.Domain.Points;

namespace Xylo.Domain.Tests;

/// <summary>The domain decides; it never talks to the database (Marten is referenced only for its source generator).</summary>
public sealed class DomainIsPureTests
{
    private static readonly Assembly Domain = typeof(Decision).Assembly;

    private static readonly string[] Infrastructure = ["Npgsql", "Marten", "Weasel", "Wolverine"];

    [Fact]
    public void The_domain_assembly_references_no_database_or_messaging_assembly()
    {
        var references = Domain.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        references.Where(name => Infrastructure.Any(banned => name.StartsWith(banned, StringComparison.OrdinalIgnoreCase)))
            .ShouldBeEmpty($"Xylo.Domain references {string.Join(", ", references)}");
        references.ShouldContain("System.Runtime");
    }

    [Fact]
    public void No_domain_member_takes_or_holds_a_session_or_a_connection()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var offenders =
            from type in Domain.GetTypes()
            from member in type.GetMembers(all)
            from used in TypesIn(member)
            where IsInfrastructure(used)
            select $"{type.FullName}.{member.Name} uses {used.FullName}";

        offenders.ShouldBeEmpty();
        TypesIn(typeof(PointsDecisions).GetMethod(nameof(PointsDecisions.Earn))!).ShouldContain(typeof(PointsAccount));
    }

    private static IEnumerable<Type> TypesIn(MemberInfo member) => member switch
    {
        MethodBase method => method.GetParameters().Select(p => p.ParameterType)
            .Concat(method is MethodInfo info ? [info.ReturnType] : [])
            .Concat(method.GetMethodBody()?.LocalVariables.Select(v => v.LocalType) ?? []),
        FieldInfo field => [field.FieldType],
        PropertyInfo property => [property.PropertyType],
        EventInfo e => [e.EventHandlerType!],
        _ => [],
    };

    private static bool IsInfrastructure(Type type) =>
        type.HasElementType ? IsInfrastructure(type.GetElementType()!)
        : type.IsGenericType && type.GetGenericArguments().Any(IsInfrastructure) ? true
        : type.Name is "IDocumentSession" or "IQuerySession" or "IDocumentStore" or "NpgsqlConnection" or "NpgsqlDataSource" or "IMessageBus"
          || Infrastructure.Any(banned => type.Namespace?.StartsWith(banned, StringComparison.Ordinal) == true);
}
