namespace Xylo.Domain.Rewards;

public sealed record CreateReward(
    Guid RewardId,
    string? Name,
    string? Description,
    string? MetadataUri,
    long? Cost,
    int? Supply,
    DateTimeOffset? AvailableFrom,
    DateTimeOffset? AvailableUntil,
    string CreatedBy);

public static partial class RewardDecisions
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 2000;
    public const int MaxUriLength = 2000;
    public const long MaxCost = 1_000_000;
    public const int MaxSupply = 10_000_000;

    public static Decision Create(CreateReward command, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(command.Name) || command.Name.Length > MaxNameLength)
        {
            return Decision.Reject(RejectionKind.Invalid, $"name is required (at most {MaxNameLength} characters)");
        }

        if (command.Description is { Length: > MaxDescriptionLength })
        {
            return Decision.Reject(RejectionKind.Invalid, $"description has at most {MaxDescriptionLength} characters");
        }

        if (!IsMetadataUri(command.MetadataUri))
        {
            return Decision.Reject(RejectionKind.Invalid, "metadataUri must be an absolute https://, ipfs:// or ar:// URI");
        }

        if (command.Cost is not (>= 1 and <= MaxCost))
        {
            return Decision.Reject(RejectionKind.Invalid, $"cost must be between 1 and {MaxCost} points");
        }

        if (command.Supply is < 1 or > MaxSupply)
        {
            return Decision.Reject(RejectionKind.Invalid, $"supply must be between 1 and {MaxSupply}, or absent for no cap");
        }

        if (command.AvailableFrom is { } from && command.AvailableUntil is { } until && until <= from)
        {
            return Decision.Reject(RejectionKind.Invalid, "availableUntil must be after availableFrom");
        }

        if (command.AvailableUntil is { } end && end <= now)
        {
            return Decision.Reject(RejectionKind.Invalid, "availableUntil must be in the future");
        }

        return Decision.Accept(new RewardCreated(
            command.RewardId, command.Name.Trim(), command.Description?.Trim() ?? "", command.MetadataUri!, command.Cost.Value,
            command.Supply, command.AvailableFrom, command.AvailableUntil, command.CreatedBy, now));
    }

    public static Decision Retire(Reward? reward, string retiredBy, DateTimeOffset now) => reward switch
    {
        null => Decision.Reject(RejectionKind.NotFound, "no such reward"),
        { Retired: true } => Decision.Accept(),
        _ => Decision.Accept(new RewardRetired(reward.Id, retiredBy, now)),
    };

    private static bool IsMetadataUri(string? uri) =>
        uri is { Length: > 0 and <= MaxUriLength }
        && Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
        && parsed.Scheme is "https" or "ipfs" or "ar";
}
