using Marten;

namespace Xylo.Api.Chain;

/// <summary>The next nonce of a signer (id = its address). PostgreSQL owns it, not a node's memory.</summary>
public sealed record SignerNonce(string Id, long Next);

/// <summary>
/// Every transaction a signer signed (id = "signer:nonce"), stored in the transaction that took its nonce,
/// so a nonce the chain has not seen can always be filled by rebroadcasting these bytes.
/// </summary>
public sealed record SignedTransaction(string Id, string Signer, long Nonce, string TxHash, string RawTransaction, string Purpose, DateTimeOffset SignedAt)
{
    public static string IdFor(string signer, long nonce) => $"{signer}:{nonce}";
}

public static class SignerNonces
{
    /// <summary>
    /// Takes the signer's next <paramref name="count"/> nonces in the caller's session and answers the first; the
    /// caller records a signed transaction for every one of them in the same transaction. Two nodes taking one
    /// nonce collide on the document's version (or on the insert of the first), and one of them retries.
    /// </summary>
    public static Task<long> TakeAsync(IDocumentSession session, ChainGateway chain, int count, CancellationToken cancellation) =>
        TakeAsync(session, chain.Signer, () => chain.TransactionCountAsync(pending: true), count, cancellation);

    /// <summary>As above, for a signer by address; <paramref name="chainPending"/> (its pending count) is asked only for its very first nonce.</summary>
    public static async Task<long> TakeAsync(IDocumentSession session, string signer, Func<Task<long>> chainPending, int count, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var current = await session.LoadAsync<SignerNonce>(signer, cancellation);
        if (current is null)
        {
            var first = await chainPending();
            session.Insert(new SignerNonce(signer, first + count));
            return first;
        }

        session.Store(current with { Next = current.Next + count });
        return current.Next;
    }

    public static void Record(IDocumentSession session, Xylo.Domain.Mints.SignedMintTransaction tx, string purpose, DateTimeOffset now) =>
        session.Store(new SignedTransaction(SignedTransaction.IdFor(tx.Signer, tx.Nonce), tx.Signer, tx.Nonce, tx.TxHash, tx.RawTransaction, purpose, now));

    public static StoreOptions AddChainDocuments(this StoreOptions options)
    {
        options.Schema.For<SignerNonce>().UseOptimisticConcurrency(true);
        options.Schema.For<SignedTransaction>().Duplicate(x => x.Signer).Duplicate(x => x.Nonce);
        return options;
    }
}
