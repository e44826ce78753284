using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Xylo.Api.Recovery;

/// <summary>
/// The archive as a directory: segments are written to a temporary name, fsynced, renamed into place and the
/// directory fsynced; the manifest is <c>manifest.ndjson</c>, one fsynced line per closed segment.
/// </summary>
public sealed class FileSystemArchiveStore(string directory) : IArchiveStore
{
    public const string ManifestFile = "manifest.ndjson";
    private const string SegmentSuffix = ".ndjson.gz";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Location => directory;

    private string ManifestPath => Path.Combine(directory, ManifestFile);

    public async Task PutSegmentAsync(string name, byte[] bytes, CancellationToken cancellation)
    {
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{name}.{Guid.NewGuid():N}.tmp");
        await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
        {
            await file.WriteAsync(bytes, cancellation);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path.Combine(directory, name), overwrite: true);
        SyncDirectory(directory);
    }

    public async Task<byte[]?> ReadSegmentAsync(string name, CancellationToken cancellation)
    {
        var path = Path.Combine(directory, name);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellation) : null;
    }

    public Task<IReadOnlyList<string>> ListSegmentsAsync(CancellationToken cancellation)
    {
        IReadOnlyList<string> names = Directory.Exists(directory)
            ? Directory.EnumerateFiles(directory, "*" + SegmentSuffix).Select(Path.GetFileName).OfType<string>()
                .Where(n => !n.StartsWith('.')).Order(StringComparer.Ordinal).ToList()
            : [];
        return Task.FromResult(names);
    }

    public async Task AppendManifestAsync(ArchiveSegment entry, CancellationToken cancellation)
    {
        Directory.CreateDirectory(directory);
        var created = !File.Exists(ManifestPath);
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(entry, Json) + "\n");
        // The check and the append are not atomic across processes by themselves: the writer holds its database
        // lock on the archive around them, and the check catches what that lock cannot see (a crash between this
        // append and the writer's commit of the archive's head row).
        await using (var file = new FileStream(ManifestPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 4096, FileOptions.Asynchronous))
        {
            var complete = await CompleteLinesLengthAsync(file, cancellation);
            var last = await LastEntryAsync(file, complete, cancellation);
            if (last is null ? entry.PreviousSha256 != ArchiveSegment.Genesis : entry.From != last.To + 1 || entry.PreviousSha256 != last.Sha256)
            {
                throw new ArchiveConflictException(
                    $"{ManifestPath} ends {(last is null ? "empty" : $"at sequence {last.To} ({last.Name})")}; {entry.Name} does not follow it");
            }

            file.SetLength(complete);
            file.Seek(0, SeekOrigin.End);
            await file.WriteAsync(line, cancellation);
            file.Flush(flushToDisk: true);
        }

        if (created) SyncDirectory(directory);
    }

    public async Task<IReadOnlyList<ArchiveSegment>> ReadManifestAsync(CancellationToken cancellation)
    {
        if (!File.Exists(ManifestPath)) return [];
        var text = await File.ReadAllTextAsync(ManifestPath, cancellation);
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        return complete.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<ArchiveSegment>(l, Json) ?? throw new InvalidDataException($"empty manifest line in {ManifestPath}"))
            .ToList();
    }

    public async Task<ArchiveSegment?> LastManifestEntryAsync(CancellationToken cancellation)
    {
        if (!File.Exists(ManifestPath)) return null;
        await using var file = new FileStream(ManifestPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.Asynchronous);
        return await LastEntryAsync(file, await CompleteLinesLengthAsync(file, cancellation), cancellation);
    }

    /// <summary>The last line ending at <paramref name="complete"/> (the end of the last complete line), read backwards in blocks.</summary>
    private async Task<ArchiveSegment?> LastEntryAsync(FileStream file, long complete, CancellationToken cancellation)
    {
        if (complete == 0) return null;
        var block = 4096;
        while (true)
        {
            var start = Math.Max(0, complete - 1 - block);
            var buffer = new byte[complete - 1 - start];
            file.Seek(start, SeekOrigin.Begin);
            await file.ReadExactlyAsync(buffer, cancellation);
            var newline = Array.LastIndexOf(buffer, (byte)'\n');
            if (newline >= 0 || start == 0)
            {
                var line = Encoding.UTF8.GetString(buffer, newline + 1, buffer.Length - newline - 1);
                return JsonSerializer.Deserialize<ArchiveSegment>(line, Json) ?? throw new InvalidDataException($"empty manifest line in {ManifestPath}");
            }

            block *= 4;
        }
    }

    /// <summary>The length up to the last newline: a line torn by a crash is cut off before appending.</summary>
    private static async Task<long> CompleteLinesLengthAsync(FileStream file, CancellationToken cancellation)
    {
        var length = file.Length;
        var buffer = new byte[1];
        while (length > 0)
        {
            file.Seek(length - 1, SeekOrigin.Begin);
            await file.ReadExactlyAsync(buffer, cancellation);
            if (buffer[0] == (byte)'\n') break;
            length--;
        }

        return length;
    }

    /// <summary>A rename is only durable once the directory entry is on disk.</summary>
    private static void SyncDirectory(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var fd = NativeMethods.open(path, 0);
        if (fd < 0) throw new IOException($"cannot open archive directory {path} to fsync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (NativeMethods.fsync(fd) != 0) throw new IOException($"fsync of archive directory {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = NativeMethods.close(fd);
        }
    }
}
